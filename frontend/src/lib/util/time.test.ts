import { describe, expect, test } from 'vitest'
import { translator } from '../i18n'
import { dueInfo, formatBytes, formatDuration, formatWhen, snoozeTargets, urgencyOf } from './time'

const en = translator('en')
const it = translator('it')
const MIN = 60_000
const HOUR = 60 * MIN
const now = Date.UTC(2025, 2, 12, 14, 30) // Wed 12 Mar 2025 14:30 UTC

describe('formatDuration', () => {
  test.each([
    [30_000, '1 min'],
    [12 * MIN, '12 min'],
    [59 * MIN + 59_000, '59 min'],
    [60 * MIN, '1 h'],
    [125 * MIN, '2 h 5 min'],
    [10 * HOUR + 5 * MIN, '10 h'],
    [27 * HOUR, '1 d 3 h'],
    [48 * HOUR, '2 d'],
    [5 * 24 * HOUR + 3 * HOUR, '5 d'],
    [-7 * MIN, '7 min'],
  ])('%d ms → %s', (ms, want) => {
    expect(formatDuration(ms, en)).toBe(want)
  })

  test('Italian days', () => {
    expect(formatDuration(4 * 24 * HOUR, it)).toBe('4 g')
  })
})

describe('dueInfo', () => {
  test.each([
    [0, 'No deadline', 'none'],
    [now + 12 * MIN, 'in 12 min', 'soon'],
    [now + 15 * MIN, 'in 15 min', 'ok'],
    [now + 3 * HOUR, 'in 3 h', 'ok'],
    [now + 20_000, 'due now', 'soon'],
    [now - 20_000, 'due now', 'overdue'],
    [now - 5 * MIN, 'overdue 5 min', 'overdue'],
    [now - 26 * HOUR, 'overdue 1 d 2 h', 'overdue'],
  ])('due %d', (dueAt, text, urgency) => {
    expect(dueInfo(dueAt, now, en)).toEqual({ text, urgency })
  })

  test('a quarter of the span left is soon too, when the start is known', () => {
    const start = now - 9 * HOUR
    expect(dueInfo(now + 2 * HOUR, now, en, start).urgency).toBe('soon') // 2 of 11 h left
    expect(dueInfo(now + 4 * HOUR, now, en, start).urgency).toBe('ok') // 4 of 13 h left
    expect(dueInfo(now + 2 * HOUR, now, en).urgency).toBe('ok') // start unknown: only the 15 minutes count
    expect(dueInfo(now + 10 * MIN, now, en, start).urgency).toBe('soon')
    expect(dueInfo(now - MIN * 2, now, en, start).urgency).toBe('overdue')
  })

  test('a start at or after the due instant is ignored', () => {
    expect(urgencyOf(now + HOUR, now, now + 2 * HOUR)).toBe('ok')
    expect(urgencyOf(now + HOUR, now, now + HOUR)).toBe('ok')
    expect(urgencyOf(0, now, now)).toBe('none')
  })

  test('Italian wording', () => {
    expect(dueInfo(now + 12 * MIN, now, it).text).toBe('tra 12 min')
    expect(dueInfo(now - 5 * MIN, now, it).text).toBe('scaduta da 5 min')
  })
})

describe('formatWhen', () => {
  const tz = 'Europe/Rome' // 14:30 UTC is 15:30 in Rome in March (CET)
  test('today shows the time only', () => {
    expect(formatWhen(now - 30 * MIN, now, 'it-IT', it, tz)).toBe('15:00')
    expect(formatWhen(now - 30 * MIN, now, 'en-GB', en, tz)).toBe('15:00')
  })
  test('yesterday', () => {
    expect(formatWhen(now - 24 * HOUR, now, 'en-GB', en, tz)).toBe('yesterday 15:30')
    expect(formatWhen(now - 24 * HOUR, now, 'it-IT', it, tz)).toBe('ieri 15:30')
  })
  test('day boundary is the local one, not UTC', () => {
    // 23:30 UTC on 11 Mar is 00:30 on 12 Mar in Rome: "today" there.
    const lateUtc = Date.UTC(2025, 2, 11, 23, 30)
    expect(formatWhen(lateUtc, now, 'en-GB', en, tz)).toBe('00:30')
    expect(formatWhen(lateUtc, now, 'en-GB', en, 'UTC')).toBe('yesterday 23:30')
  })
  test('earlier this year and other years', () => {
    expect(formatWhen(Date.UTC(2025, 0, 5, 9, 0), now, 'en-GB', en, tz)).toMatch(/^5 Jan,? 10:00$/)
    expect(formatWhen(Date.UTC(2023, 6, 1, 9, 0), now, 'it-IT', it, tz)).toBe('1 lug 2023')
  })
  test('zero is empty', () => {
    expect(formatWhen(0, now, 'en-GB', en)).toBe('')
  })
})

describe('formatBytes', () => {
  test.each([
    [512, 'en-GB', '512 byte'],
    [12_300, 'en-GB', '12 kB'],
    [3_456_000, 'en-GB', '3.5 MB'],
    [3_456_000, 'it-IT', '3,5 MB'],
  ])('%d in %s', (n, tag, want) => {
    expect(formatBytes(n, tag)).toBe(want)
  })
})

describe('snoozeTargets', () => {
  test('hours ahead and tomorrow at 9:00 local time', () => {
    const base = new Date(2025, 2, 12, 22, 45).getTime()
    const s = snoozeTargets(base)
    expect(s.oneHour - base).toBe(HOUR)
    expect(s.fourHours - base).toBe(4 * HOUR)
    const d = new Date(s.tomorrowNine)
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()]).toEqual([2025, 2, 13, 9, 0])
  })
  test('tomorrow crosses month ends', () => {
    const d = new Date(snoozeTargets(new Date(2025, 0, 31, 8, 0).getTime()).tomorrowNine)
    expect([d.getMonth(), d.getDate(), d.getHours()]).toEqual([1, 1, 9])
  })
})
