// Pure conversions between the SLA policy / notification settings (minutes, as Go keeps them)
// and what the settings form edits (durations and times of day as typed text).
import type { CalendarChoice, NotifySettings, Policy, SlaClass, Span, Targets } from '../../api/types'
import type { MessageKey, Vars } from '../../i18n'

export const METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const
export type Metric = (typeof METRICS)[number]

/** Days as the form lists them (Monday first); values are Go's indexes (Sunday = 0). */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const

const DAY = 24 * 60
/** The longest target the form accepts: a year. */
export const MAX_TARGET = 365 * DAY

// ---- durations ----------------------------------------------------------------------------

/** A target for the form: "" (none), "15 min", "4 h", "1 h 30 min". */
export function formatTarget(minutes: number): string {
  if (!minutes || minutes <= 0) return ''
  if (minutes < 60) return `${minutes} min`
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return m === 0 ? `${h} h` : `${h} h ${m} min`
}

const UNITS: Record<string, number> = {}
for (const u of ['d', 'day', 'days', 'g', 'gg', 'giorno', 'giorni']) UNITS[u] = DAY
for (const u of ['h', 'hr', 'hrs', 'hour', 'hours', 'o', 'ora', 'ore']) UNITS[u] = 60
for (const u of ['m', 'min', 'mins', 'minute', 'minutes', 'minuto', 'minuti', "'"]) UNITS[u] = 1

/**
 * Reads a typed duration in minutes: "15", "15 min", "4h", "1,5 h", "1h30", "2d 4h".
 * Empty is 0 (no target); anything else unreadable is null. Units must go from large to small;
 * a bare number is minutes, also right after hours ("1h30").
 */
export function parseTarget(text: string): number | null {
  const s = text.trim().toLowerCase().replace(/,/g, '.')
  if (s === '') return 0
  const token = /(\d+(?:\.\d+)?)\s*([a-z']*)\s*/y
  let total = 0
  let last = Infinity
  let pos = 0
  while (pos < s.length) {
    token.lastIndex = pos
    const m = token.exec(s)
    if (!m) return null
    pos = token.lastIndex
    const unit = m[2]
    const mult = unit === '' ? (last === Infinity || last === 60 ? 1 : undefined) : UNITS[unit]
    if (mult === undefined || mult >= last) return null
    total += Number(m[1]) * mult
    last = mult
  }
  const minutes = Math.round(total)
  return minutes > MAX_TARGET ? null : minutes
}

// ---- times of day -------------------------------------------------------------------------

/** "09:00" for 540. As the end of a span, 1440 (midnight) shows as "00:00". */
export function minutesToTime(m: number): string {
  const v = ((Math.round(m) % DAY) + DAY) % DAY
  return `${String(Math.floor(v / 60)).padStart(2, '0')}:${String(v % 60).padStart(2, '0')}`
}

/** Minutes after midnight of "HH:MM", or null. As the end of a span "00:00" is midnight (1440). */
export function timeToMinutes(s: string, end = false): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(s.trim())
  if (!m) return null
  const h = Number(m[1])
  const min = Number(m[2])
  if (h > 23 || min > 59) return null
  const v = h * 60 + min
  return end && v === 0 ? DAY : v
}

// ---- the policy form ----------------------------------------------------------------------

export type TargetsForm = Record<Metric, string>

export interface ClassForm {
  class: SlaClass
  calendar: CalendarChoice
  /** low, normal, high, urgent */
  targets: TargetsForm[]
}

export interface DayForm {
  open: boolean
  start: string
  end: string
  /** Further spans of the day: not edited by the form, kept as they are. */
  extra: Span[]
}

export interface PolicyForm {
  classes: ClassForm[]
  timeZone: string
  osTimeZone: string
  alwaysOpen: boolean
  /** Sunday first, like Go. */
  days: DayForm[]
  italianHolidays: boolean
  holidays: string[]
  warnPercent: number | null
  windowWarnMinutes: number | null
}

export type SettingsTab = 'general' | 'sla' | 'hours' | 'notify'

export interface FormError {
  tab: SettingsTab
  key: MessageKey
  vars?: Vars
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: FormError }

const DEFAULT_OPEN = 9 * 60
const DEFAULT_CLOSE = 18 * 60

export function policyToForm(p: Policy): PolicyForm {
  return {
    classes: p.classes.map((c) => ({
      class: c.class,
      calendar: c.calendar === 'business' ? 'business' : 'always',
      targets: Array.from({ length: 4 }, (_, i) => {
        const t: Partial<Targets> = c.targets[i] ?? {}
        return {
          firstResponse: formatTarget(t.firstResponse ?? 0),
          nextResponse: formatTarget(t.nextResponse ?? 0),
          resolution: formatTarget(t.resolution ?? 0),
        }
      }),
    })),
    timeZone: p.business.timeZone,
    osTimeZone: p.osTimeZone,
    alwaysOpen: p.business.alwaysOpen,
    days: Array.from({ length: 7 }, (_, d) => {
      const spans = p.business.week[d] ?? []
      const first = spans[0]
      return {
        open: spans.length > 0,
        start: minutesToTime(first ? first.start : DEFAULT_OPEN),
        end: minutesToTime(first ? first.end : DEFAULT_CLOSE),
        extra: spans.slice(1).map((s) => ({ ...s })),
      }
    }),
    italianHolidays: p.business.italianHolidays,
    holidays: [...p.business.holidays].sort(),
    warnPercent: p.warnPercent,
    windowWarnMinutes: p.windowWarnMinutes,
  }
}

function wholeIn(v: number | null, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi
}

/** The form as a policy for Go, or the first problem to show (Go validates the rest). */
export function formToPolicy(f: PolicyForm, dayName: (d: number) => string): Result<Policy> {
  const classes = []
  for (const c of f.classes) {
    const targets: Targets[] = []
    for (const t of c.targets) {
      const row = { firstResponse: parseTarget(t.firstResponse), nextResponse: parseTarget(t.nextResponse), resolution: parseTarget(t.resolution) }
      if (row.firstResponse === null || row.nextResponse === null || row.resolution === null) {
        return { ok: false, error: { tab: 'sla', key: 'sla.target.invalid' } }
      }
      targets.push(row as Targets)
    }
    classes.push({ class: c.class, calendar: c.calendar, targets })
  }
  if (!wholeIn(f.warnPercent, 1, 99)) return { ok: false, error: { tab: 'sla', key: 'sla.warnPercent.invalid' } }
  if (!wholeIn(f.windowWarnMinutes, 0, DAY)) return { ok: false, error: { tab: 'sla', key: 'sla.windowWarn.invalid' } }

  const week: Span[][] = []
  for (let d = 0; d < 7; d++) {
    const day = f.days[d] ?? { open: false, start: '', end: '', extra: [] }
    if (!day.open) {
      week.push([])
      continue
    }
    const start = timeToMinutes(day.start)
    const end = timeToMinutes(day.end, true)
    if (start === null || end === null || start >= end) {
      // With 24/7 the weekly hours are not used: keep what can be kept rather than refuse.
      if (f.alwaysOpen) {
        week.push(day.extra.map((s) => ({ ...s })))
        continue
      }
      return { ok: false, error: { tab: 'hours', key: 'hours.invalid', vars: { day: dayName(d) } } }
    }
    week.push([{ start, end }, ...day.extra.map((s) => ({ ...s }))])
  }
  if (!f.alwaysOpen && week.every((spans) => spans.length === 0)) return { ok: false, error: { tab: 'hours', key: 'hours.noneOpen' } }

  return {
    ok: true,
    value: {
      classes,
      business: {
        timeZone: f.timeZone.trim() || f.osTimeZone,
        alwaysOpen: f.alwaysOpen,
        week,
        italianHolidays: f.italianHolidays,
        holidays: [...new Set(f.holidays)].sort(),
      },
      warnPercent: f.warnPercent,
      windowWarnMinutes: f.windowWarnMinutes,
      osTimeZone: f.osTimeZone,
    },
  }
}

/** Adds a YYYY-MM-DD closing day (sorted, no duplicates); null when it is not a real date. */
export function addHoliday(list: string[], date: string): string[] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim())
  if (!m) return null
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return null
  return [...new Set([...list, date.trim()])].sort()
}

/** A weekday's name in the locale (0 = Sunday). */
export function dayName(d: number, tag: string, style: 'long' | 'short' = 'long'): string {
  // 4 January 2026 was a Sunday.
  return new Intl.DateTimeFormat(tag, { weekday: style, timeZone: 'UTC' }).format(Date.UTC(2026, 0, 4 + d))
}

// ---- notifications ------------------------------------------------------------------------

export interface NotifyForm {
  native: boolean
  dnd: boolean
  quiet: boolean
  quietStart: string
  quietEnd: string
}

export function notifyToForm(s: NotifySettings): NotifyForm {
  return { native: s.native, dnd: s.dnd, quiet: s.quiet, quietStart: minutesToTime(s.quietStart), quietEnd: minutesToTime(s.quietEnd) }
}

/** What is wrong with the quiet hours, or null. Off, they are not checked. They may wrap midnight. */
export function validateQuiet(quiet: boolean, start: string, end: string): MessageKey | null {
  if (!quiet) return null
  const a = timeToMinutes(start)
  const b = timeToMinutes(end)
  if (a === null || b === null) return 'notify.quiet.invalid'
  if (a === b) return 'notify.quiet.same'
  return null
}

const QUIET_START = 20 * 60
const QUIET_END = 8 * 60

export function formToNotify(f: NotifyForm): Result<NotifySettings> {
  const problem = validateQuiet(f.quiet, f.quietStart, f.quietEnd)
  if (problem) return { ok: false, error: { tab: 'notify', key: problem } }
  return {
    ok: true,
    value: {
      native: f.native,
      dnd: f.dnd,
      quiet: f.quiet,
      quietStart: timeToMinutes(f.quietStart) ?? QUIET_START,
      quietEnd: timeToMinutes(f.quietEnd) ?? QUIET_END,
    },
  }
}
