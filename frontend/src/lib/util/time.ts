// Pure time formatting: every function takes `now` and the locale explicitly, so tests pin them.
import type { Translate } from '../i18n'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

export type Urgency = 'none' | 'ok' | 'soon' | 'overdue'

/** Under this much time left a deadline shows as "soon" (amber). */
export const SOON_MS = 15 * MIN
/** …and so it does under this share of its whole span (start to due) left. */
export const SOON_SHARE = 0.25

/** A compact duration: "12 min", "2 h 5 min", "5 h", "1 d 3 h", "4 d". */
export function formatDuration(ms: number, tr: Translate): string {
  const minutes = Math.floor(Math.abs(ms) / MIN)
  if (minutes < 60) return tr('dur.min', { n: Math.max(1, minutes) })
  const hours = Math.floor(minutes / 60)
  if (hours < 24) {
    const m = minutes % 60
    return m === 0 || hours >= 10 ? tr('dur.h', { n: hours }) : tr('dur.hmin', { h: hours, m })
  }
  const days = Math.floor(hours / 24)
  const h = hours % 24
  return days < 3 && h > 0 ? tr('dur.dh', { d: days, h }) : tr('dur.d', { n: days })
}

export interface Due {
  text: string
  urgency: Urgency
}

/**
 * How pressing a deadline is: overdue once due; soon under 15 minutes left or, when its start is
 * known, under a quarter of its span left; else ok.
 */
export function urgencyOf(dueAt: number, now: number, startAt = 0): Urgency {
  if (!dueAt) return 'none'
  const left = dueAt - now
  if (left <= 0) return 'overdue'
  if (left < SOON_MS) return 'soon'
  if (startAt > 0 && startAt < dueAt && left < SOON_SHARE * (dueAt - startAt)) return 'soon'
  return 'ok'
}

/** The queue's countdown: "in 12 min", "overdue 5 min", coloured by urgency. */
export function dueInfo(dueAt: number, now: number, tr: Translate, startAt = 0): Due {
  if (!dueAt) return { text: tr('due.none'), urgency: 'none' }
  const left = dueAt - now
  const urgency = urgencyOf(dueAt, now, startAt)
  if (Math.abs(left) < MIN) return { text: tr('due.now'), urgency }
  if (left < 0) return { text: tr('due.overdue', { d: formatDuration(left, tr) }), urgency }
  return { text: tr('due.in', { d: formatDuration(left, tr) }), urgency }
}

function dayKey(ms: number, timeZone?: string): string {
  // en-CA formats as YYYY-MM-DD: a stable key for "same calendar day" in a given zone.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms)
}

/** A message or row time: "14:05" today, "yesterday 14:05", "12 Mar, 14:05", "12 Mar 2023". */
export function formatWhen(at: number, now: number, tag: string, tr: Translate, timeZone?: string): string {
  if (!at) return ''
  const time = new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit' }).format(at)
  const day = dayKey(at, timeZone)
  if (day === dayKey(now, timeZone)) return time
  if (day === dayKey(now - DAY, timeZone)) return tr('time.yesterday', { time })
  if (day.slice(0, 4) === dayKey(now, timeZone).slice(0, 4)) {
    return new Intl.DateTimeFormat(tag, { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(at)
  }
  return new Intl.DateTimeFormat(tag, { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(at)
}

/** Full date and time, for tooltips. */
export function formatFull(at: number, tag: string, timeZone?: string): string {
  if (!at) return ''
  return new Intl.DateTimeFormat(tag, { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(at)
}

/** Time of day, or date and time when not today: for "snoozed until …". */
export function formatUntil(at: number, now: number, tag: string, timeZone?: string): string {
  const sameDay = dayKey(at, timeZone) === dayKey(now, timeZone)
  return new Intl.DateTimeFormat(
    tag,
    sameDay
      ? { timeZone, hour: '2-digit', minute: '2-digit' }
      : { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  ).format(at)
}

/** "512 B", "12 kB", "3.4 MB" in the locale's number format. */
export function formatBytes(bytes: number, tag: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const
  let value = Math.max(0, bytes)
  let i = 0
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000
    i++
  }
  return new Intl.NumberFormat(tag, {
    style: 'unit',
    unit: units[i],
    unitDisplay: 'short',
    maximumFractionDigits: i === 0 || value >= 10 ? 0 : 1,
  }).format(value)
}

export interface SnoozeTargets {
  oneHour: number
  fourHours: number
  tomorrowNine: number
}

/** The snooze menu's instants, in the machine's local time. */
export function snoozeTargets(now: number): SnoozeTargets {
  const d = new Date(now)
  d.setDate(d.getDate() + 1)
  d.setHours(9, 0, 0, 0)
  return { oneHour: now + HOUR, fourHours: now + 4 * HOUR, tomorrowNine: d.getTime() }
}
