import { describe, expect, test } from 'vitest'
import type { Policy } from '../../api/types'
import {
  addHoliday,
  dayName,
  formToNotify,
  formToPolicy,
  formatTarget,
  minutesToTime,
  notifyToForm,
  parseTarget,
  policyToForm,
  timeToMinutes,
  validateQuiet,
} from './policyForm'

const names = (d: number) => dayName(d, 'en-GB')

function policy(): Policy {
  const office = [[], ...Array.from({ length: 5 }, () => [{ start: 540, end: 1080 }]), []]
  return {
    classes: [
      {
        class: 'messaging',
        calendar: 'always',
        targets: [
          { firstResponse: 30, nextResponse: 60, resolution: 2880 },
          { firstResponse: 15, nextResponse: 30, resolution: 1440 },
          { firstResponse: 7, nextResponse: 15, resolution: 720 },
          { firstResponse: 3, nextResponse: 7, resolution: 360 },
        ],
      },
      {
        class: 'email',
        calendar: 'business',
        targets: [
          { firstResponse: 480, nextResponse: 960, resolution: 3240 },
          { firstResponse: 240, nextResponse: 480, resolution: 1620 },
          { firstResponse: 120, nextResponse: 240, resolution: 810 },
          { firstResponse: 60, nextResponse: 0, resolution: 405 },
        ],
      },
    ],
    business: { timeZone: 'Europe/Rome', alwaysOpen: false, week: office, italianHolidays: true, holidays: ['2025-12-31', '2025-08-14'] },
    warnPercent: 75,
    windowWarnMinutes: 5,
    osTimeZone: 'Europe/Rome',
  }
}

describe('targets as text', () => {
  test.each([
    [0, ''],
    [15, '15 min'],
    [60, '1 h'],
    [90, '1 h 30 min'],
    [240, '4 h'],
    [1620, '27 h'],
    [405, '6 h 45 min'],
  ])('%d minutes → %s', (m, text) => {
    expect(formatTarget(m)).toBe(text)
    expect(parseTarget(text)).toBe(m)
  })

  test.each([
    ['15', 15],
    [' 20 ', 20],
    ['15m', 15],
    ['15 minuti', 15],
    ['4h', 240],
    ['4 ore', 240],
    ['1,5 h', 90],
    ['1.5h', 90],
    ['1h30', 90],
    ['1h 30m', 90],
    ['2d', 2880],
    ['1g 2h', 1560],
    ['0', 0],
    ['', 0],
    ['  ', 0],
  ])('reads %j as %d minutes', (text, want) => {
    expect(parseTarget(text)).toBe(want)
  })

  test.each(['abc', '-5', '4x', '30m 1h', '1d30', '15 30', 'h', '1h 2h', '400d'])('refuses %j', (text) => {
    expect(parseTarget(text)).toBeNull()
  })
})

describe('times of day', () => {
  test.each([
    [0, '00:00'],
    [540, '09:00'],
    [1085, '18:05'],
    [1440, '00:00'],
  ])('%d → %s', (m, s) => {
    expect(minutesToTime(m)).toBe(s)
  })

  test('parses HH:MM, and midnight as the end of a span', () => {
    expect(timeToMinutes('09:30')).toBe(570)
    expect(timeToMinutes('9:30')).toBe(570)
    expect(timeToMinutes('18:00:00')).toBe(1080)
    expect(timeToMinutes('00:00')).toBe(0)
    expect(timeToMinutes('00:00', true)).toBe(1440)
    expect(timeToMinutes('')).toBeNull()
    expect(timeToMinutes('24:00')).toBeNull()
    expect(timeToMinutes('12:60')).toBeNull()
  })
})

describe('policy ↔ form', () => {
  test('round trip keeps the policy', () => {
    const p = policy()
    const f = policyToForm(p)
    expect(f.classes[1].targets[1]).toEqual({ firstResponse: '4 h', nextResponse: '8 h', resolution: '27 h' })
    expect(f.classes[1].targets[3].nextResponse).toBe('')
    expect(f.days[0]).toEqual({ open: false, start: '09:00', end: '18:00', extra: [] })
    expect(f.days[1]).toMatchObject({ open: true, start: '09:00', end: '18:00' })
    expect(f.holidays).toEqual(['2025-08-14', '2025-12-31'])
    const back = formToPolicy(f, names)
    expect(back).toEqual({ ok: true, value: { ...p, business: { ...p.business, holidays: ['2025-08-14', '2025-12-31'] } } })
  })

  test('an edited target is read back in minutes', () => {
    const f = policyToForm(policy())
    f.classes[0].targets[1].firstResponse = '20'
    f.classes[0].targets[0].resolution = '3d'
    const r = formToPolicy(f, names)
    if (!r.ok) throw new Error(r.error.key)
    expect(r.value.classes[0].targets[1].firstResponse).toBe(20)
    expect(r.value.classes[0].targets[0].resolution).toBe(3 * 1440)
  })

  test('extra spans of a day are kept, and a closed day drops them', () => {
    const p = policy()
    p.business.week[1] = [
      { start: 540, end: 780 },
      { start: 840, end: 1080 },
    ]
    const f = policyToForm(p)
    expect(f.days[1]).toEqual({ open: true, start: '09:00', end: '13:00', extra: [{ start: 840, end: 1080 }] })
    f.days[1].start = '08:30'
    let r = formToPolicy(f, names)
    expect(r.ok && r.value.business.week[1]).toEqual([
      { start: 510, end: 780 },
      { start: 840, end: 1080 },
    ])
    f.days[1].open = false
    r = formToPolicy(f, names)
    expect(r.ok && r.value.business.week[1]).toEqual([])
  })

  test('a day open until midnight', () => {
    const f = policyToForm(policy())
    f.days[6] = { open: true, start: '10:00', end: '00:00', extra: [] }
    const r = formToPolicy(f, names)
    expect(r.ok && r.value.business.week[6]).toEqual([{ start: 600, end: 1440 }])
    expect(policyToForm(r.ok ? r.value : policy()).days[6]).toMatchObject({ start: '10:00', end: '00:00' })
  })

  test('problems name their tab', () => {
    let f = policyToForm(policy())
    f.classes[1].targets[2].resolution = 'soon'
    expect(formToPolicy(f, names)).toEqual({ ok: false, error: { tab: 'sla', key: 'sla.target.invalid' } })

    f = policyToForm(policy())
    f.warnPercent = 100
    expect(formToPolicy(f, names)).toMatchObject({ ok: false, error: { key: 'sla.warnPercent.invalid' } })
    f.warnPercent = null
    expect(formToPolicy(f, names)).toMatchObject({ ok: false, error: { key: 'sla.warnPercent.invalid' } })

    f = policyToForm(policy())
    f.windowWarnMinutes = 2.5
    expect(formToPolicy(f, names)).toMatchObject({ ok: false, error: { key: 'sla.windowWarn.invalid' } })

    f = policyToForm(policy())
    f.days[3].end = '08:00'
    expect(formToPolicy(f, names)).toEqual({ ok: false, error: { tab: 'hours', key: 'hours.invalid', vars: { day: 'Wednesday' } } })

    f = policyToForm(policy())
    f.days.forEach((d) => (d.open = false))
    expect(formToPolicy(f, names)).toMatchObject({ ok: false, error: { tab: 'hours', key: 'hours.noneOpen' } })
    f.alwaysOpen = true
    expect(formToPolicy(f, names).ok).toBe(true)
  })

  test('an empty time zone means the computer’s', () => {
    const f = policyToForm(policy())
    f.timeZone = '  '
    f.osTimeZone = 'America/New_York'
    const r = formToPolicy(f, names)
    expect(r.ok && r.value.business.timeZone).toBe('America/New_York')
  })
})

describe('holidays', () => {
  test('added sorted, once', () => {
    expect(addHoliday(['2025-12-31'], '2025-08-14')).toEqual(['2025-08-14', '2025-12-31'])
    expect(addHoliday(['2025-12-31'], '2025-12-31')).toEqual(['2025-12-31'])
  })
  test('only real dates', () => {
    expect(addHoliday([], '')).toBeNull()
    expect(addHoliday([], '2025-02-30')).toBeNull()
    expect(addHoliday([], '31/12/2025')).toBeNull()
  })
  test('day names', () => {
    expect(dayName(0, 'en-GB')).toBe('Sunday')
    expect(dayName(1, 'it-IT')).toBe('lunedì')
  })
})

describe('quiet hours', () => {
  test.each([
    [false, '', '', null],
    [true, '20:00', '08:00', null],
    [true, '13:00', '14:30', null],
    [true, '22:00', '22:00', 'notify.quiet.same'],
    [true, '', '08:00', 'notify.quiet.invalid'],
    [true, '20:00', '25:00', 'notify.quiet.invalid'],
  ] as const)('quiet=%s %s–%s', (quiet, start, end, want) => {
    expect(validateQuiet(quiet, start, end)).toBe(want)
  })

  test('round trip, and defaults for unusable times while off', () => {
    const s = { native: true, dnd: false, quiet: true, quietStart: 1320, quietEnd: 420 }
    const f = notifyToForm(s)
    expect(f).toEqual({ native: true, dnd: false, quiet: true, quietStart: '22:00', quietEnd: '07:00' })
    expect(formToNotify(f)).toEqual({ ok: true, value: s })
    expect(formToNotify({ ...f, quietEnd: '00:00' })).toEqual({ ok: true, value: { ...s, quietEnd: 0 } })
    expect(formToNotify({ ...f, quiet: false, quietStart: '' })).toEqual({ ok: true, value: { ...s, quiet: false, quietStart: 1200 } })
    expect(formToNotify({ ...f, quietStart: '07:00' })).toEqual({ ok: false, error: { tab: 'notify', key: 'notify.quiet.same' } })
  })
})
