import { describe, expect, test } from 'vitest'
import { en } from './en'
import { it as itDict } from './it'
import { dictionaries, interpolate, localeTag, pluralKey, resolveLanguage, translate } from './index'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('dictionaries', () => {
  test('every key exists in both languages, and nothing extra', () => {
    const enKeys = Object.keys(en).sort()
    const itKeys = Object.keys(itDict).sort()
    expect(itKeys.filter((k) => !(k in en))).toEqual([])
    expect(enKeys.filter((k) => !(k in itDict))).toEqual([])
  })

  test('no translation is empty', () => {
    for (const [lang, dict] of Object.entries(dictionaries)) {
      for (const [key, value] of Object.entries(dict)) {
        expect(value.trim(), `${lang}:${key}`).not.toBe('')
      }
    }
  })

  test('both languages use the same placeholders for each key', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(itDict[key]), key).toEqual(placeholders(en[key]))
    }
  })

  test('plural pairs are complete', () => {
    for (const key of Object.keys(en)) {
      if (key.endsWith('.one')) expect(en, key).toHaveProperty([key.replace(/\.one$/, '.other')])
    }
  })

  test('Italian is really translated where it must differ', () => {
    expect(itDict['banner.diskLow']).toBe('Spazio su disco quasi esaurito: scrittura in pausa')
    expect(en['banner.diskLow']).toBe('Disk almost full: writing paused')
    expect(itDict['welcome.startDemo']).toBe('Apri l’area demo')
    expect(itDict['message.note']).toBe('Nota interna')
    expect(itDict['visibility.public']).toBe('Pubblico')
  })
})

describe('resolveLanguage', () => {
  test.each([
    ['it', 'en-US', 'en-US', 'it'],
    ['en', 'it-IT', 'it-IT', 'en'],
    ['auto', 'it-IT', 'en-US', 'it'],
    ['auto', 'it_IT.UTF-8', '', 'it'],
    ['auto', '', 'it-CH', 'it'],
    ['auto', 'de-DE', 'it-IT', 'it'],
    ['auto', 'fr-FR', 'de-DE', 'en'],
    ['auto', '', '', 'en'],
    ['', 'it-IT', '', 'it'],
  ])('setting %s, os %s, browser %s → %s', (setting, os, nav, want) => {
    expect(resolveLanguage(setting, os, nav)).toBe(want)
  })
})

describe('translate', () => {
  test('interpolates and leaves unknown placeholders', () => {
    expect(interpolate('in {d}', { d: '5 min' })).toBe('in 5 min')
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}')
  })

  test('picks the language', () => {
    expect(translate('it', 'due.in', { d: '3 min' })).toBe('tra 3 min')
    expect(translate('en', 'due.in', { d: '3 min' })).toBe('in 3 min')
  })

  test('plural keys', () => {
    expect(pluralKey('en', 'queue.count', 1)).toBe('queue.count.one')
    expect(pluralKey('en', 'queue.count', 0)).toBe('queue.count.other')
    expect(pluralKey('it', 'queue.count', 2)).toBe('queue.count.other')
  })

  test('locale tag follows the OS when it speaks the language', () => {
    expect(localeTag('en', 'en-US')).toBe('en-US')
    expect(localeTag('en', 'it-IT')).toBe('en-GB')
    expect(localeTag('it', 'it_CH.UTF-8')).toBe('it-CH')
    expect(localeTag('it', '')).toBe('it-IT')
  })
})
