// Pure translation helpers (no runes here, so unit tests can import them).
import { en, type MessageKey } from './en'
import { it } from './it'

export type Lang = 'it' | 'en'
export type { MessageKey }
export type Vars = Record<string, string | number>
export type Translate = (key: MessageKey, vars?: Vars) => string

export const LANGS: readonly Lang[] = ['it', 'en']
export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, it }

/** Picks the UI language: an explicit setting wins, else the OS locale, else the browser's. */
export function resolveLanguage(setting: string, osLocale: string, navigatorLanguage: string): Lang {
  if (setting === 'it' || setting === 'en') return setting
  for (const candidate of [osLocale, navigatorLanguage]) {
    const base = (candidate || '').toLowerCase().replace('_', '-').split('-')[0]
    if (base === 'it' || base === 'en') return base
  }
  return 'en'
}

export function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole))
}

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const template = dictionaries[lang][key] ?? en[key] ?? key
  return interpolate(template, vars)
}

export function translator(lang: Lang): Translate {
  return (key, vars) => translate(lang, key, vars)
}

/** Keys of a .one/.other pair, chosen with the language's plural rules. */
export function pluralKey(lang: Lang, base: string, n: number): MessageKey {
  const rule = new Intl.PluralRules(lang).select(n)
  return `${base}.${rule === 'one' ? 'one' : 'other'}` as MessageKey
}

/**
 * BCP 47 tag used for Intl formatting: the OS locale when it speaks the chosen language (so an
 * en-US machine keeps its clock format), else a sensible default for that language.
 */
export function localeTag(lang: Lang, osLocale = ''): string {
  const os = osLocale.replace('_', '-').split('.')[0]
  if (os && os.toLowerCase().split('-')[0] === lang) {
    try {
      return Intl.getCanonicalLocales(os)[0] ?? os
    } catch {
      // not a valid tag (e.g. "C" or "POSIX"): fall through
    }
  }
  return lang === 'it' ? 'it-IT' : 'en-GB'
}
