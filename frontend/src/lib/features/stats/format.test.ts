import { describe, expect, test } from 'vitest'
import { translator } from '../../i18n'
import { binLabel, formatDuration, formatShare } from './format'
import { addDays, daysBetween, isDate, rangeOf, weekOf } from './range'

const en = translator('en')
const it = translator('it')

describe('formatDuration', () => {
  test.each([
    [0, '0 s'],
    [45, '45 s'],
    [270, '4 min 30 s'],
    [600, '10 min'],
    [900, '15 min'],
    [3600, '1 h 00 min'],
    [26530, '7 h 22 min'],
    [108000, '1 d 6 h'],
  ])('%d s → %s', (s, want) => {
    expect(formatDuration(s, en)).toBe(want)
  })
  test('days in Italian, and nothing to show', () => {
    expect(formatDuration(108000, it)).toBe('1 g 6 h')
    expect(formatDuration(120, en, false)).toBe('–')
  })
})

test('formatShare', () => {
  expect(formatShare(6, 7, 'en-GB')).toBe('85.7%')
  expect(formatShare(6, 7, 'it-IT')).toBe('85,7%')
  expect(formatShare(1, 0, 'en-GB')).toBe('–')
})

test('bin labels', () => {
  expect(binLabel(0, 60, en)).toBe('< 1 min')
  expect(binLabel(300, 900, en)).toBe('5–15 min')
  expect(binLabel(86400, 0, en)).toBe('≥ 24 h')
})

describe('ranges', () => {
  test('dates', () => {
    expect(isDate('2026-11-23')).toBe(true)
    expect(isDate('2026-02-30')).toBe(false)
    expect(isDate('23/11/2026')).toBe(false)
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-29', -1)).toBe('2026-03-28')
  })
  test('weeks run Monday to Sunday', () => {
    expect(weekOf('2026-11-23')).toEqual({ from: '2026-11-23', to: '2026-11-29' })
    expect(weekOf('2026-11-29')).toEqual({ from: '2026-11-23', to: '2026-11-29' })
    expect(weekOf('2026-11-26')).toEqual({ from: '2026-11-23', to: '2026-11-29' })
  })
  test('modes', () => {
    expect(rangeOf('day', '2026-11-23', '', '')).toEqual({ from: '2026-11-23', to: '2026-11-23' })
    expect(rangeOf('custom', '', '2026-11-30', '2026-11-01')).toEqual({ from: '2026-11-01', to: '2026-11-30' })
    expect(daysBetween('2026-11-01', '2026-11-30')).toBe(30)
  })
})
