// Figures as the Statistics screen writes them: durations, shares and counts in the UI's locale.
import type { Translate } from '../../i18n'

/** 45 s · 4 min 30 s · 12 min · 1 h 05 min · 2 d 6 h (seconds rounded; "–" for nothing). */
export function formatDuration(seconds: number, t: Translate, present = true): string {
  if (!present || !Number.isFinite(seconds) || seconds < 0) return '–'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 10 && s % 60 !== 0) return `${m} min ${s % 60} s`
  if (m < 60) return `${m} min`
  const totalMin = Math.round(s / 60)
  const h = Math.floor(totalMin / 60)
  if (h < 24) return `${h} h ${String(totalMin % 60).padStart(2, '0')} min`
  const d = Math.floor(h / 24)
  return `${d} ${t('stats.unit.day')} ${h % 24} h`
}

/** A share as a percentage with at most one decimal; "–" when there is nothing to divide. */
export function formatShare(num: number, den: number, locale: string): string {
  if (!den) return '–'
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(num / den)
}

export function share(num: number, den: number): number | null {
  return den ? num / den : null
}

export function formatCount(n: number, locale: string): string {
  return n.toLocaleString(locale)
}

/** Short label of a duration edge for the distribution's axis: 1 min, 15 min, 4 h. */
export function edgeLabel(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`
  return `${Math.round(seconds / 3600)} h`
}

/** "< 1 min", "5–15 min", "30 min–1 h", "≥ 24 h". */
export function binLabel(fromS: number, toS: number, t: Translate): string {
  if (!fromS) return t('stats.bin.under', { to: edgeLabel(toS) })
  if (!toS) return t('stats.bin.over', { from: edgeLabel(fromS) })
  const from = edgeLabel(fromS)
  const to = edgeLabel(toS)
  const unit = (s: string) => s.split(' ')[1]
  return t('stats.bin.between', { from: unit(from) === unit(to) ? from.split(' ')[0] : from, to })
}
