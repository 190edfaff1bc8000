// Date arithmetic on YYYY-MM-DD strings. The dates are days of the team's time zone, so they are
// handled as plain calendar dates (in UTC) and never converted through the machine's time zone.

const DAY_MS = 86_400_000

export type RangeMode = 'day' | 'week' | 'custom'

export function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

function toMs(s: string): number {
  return Date.parse(`${s}T00:00:00Z`)
}

function fromMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function addDays(date: string, n: number): string {
  return fromMs(toMs(date) + n * DAY_MS)
}

/** Monday to Sunday of the week holding date. */
export function weekOf(date: string): { from: string; to: string } {
  const dow = new Date(toMs(date)).getUTCDay() // 0 = Sunday
  const from = addDays(date, -((dow + 6) % 7))
  return { from, to: addDays(from, 6) }
}

/** The days a mode shows around its anchor date (custom keeps its own bounds, ordered). */
export function rangeOf(mode: RangeMode, date: string, from: string, to: string): { from: string; to: string } {
  if (mode === 'day') return { from: date, to: date }
  if (mode === 'week') return weekOf(date)
  return from <= to ? { from, to } : { from: to, to: from }
}

export function daysBetween(from: string, to: string): number {
  return Math.round((toMs(to) - toMs(from)) / DAY_MS) + 1
}
