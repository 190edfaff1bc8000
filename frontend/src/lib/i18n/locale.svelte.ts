// The current UI language as shared reactive state; `t` re-renders wherever it is read.
import { localeTag, pluralKey, translate, type Lang, type MessageKey, type Vars } from './index'

let current = $state<Lang>('en')
let tag = $state('en-GB')

export const locale = {
  get lang(): Lang {
    return current
  },
  /** BCP 47 tag for Intl formatters. */
  get tag(): string {
    return tag
  },
  set(lang: Lang, osLocale = '') {
    current = lang
    tag = localeTag(lang, osLocale)
    if (typeof document !== 'undefined') document.documentElement.lang = lang
  },
}

export function t(key: MessageKey, vars?: Vars): string {
  return translate(current, key, vars)
}

/** Plural form: `tn('queue.count', 5)` → "5 conversations". */
export function tn(base: string, n: number, vars?: Vars): string {
  return translate(current, pluralKey(current, base, n), { n: n.toLocaleString(tag), ...vars })
}
