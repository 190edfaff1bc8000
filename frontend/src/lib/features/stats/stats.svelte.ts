// State of the Statistics screen: the period shown, its report, and exports in progress.
import {
  errorMessage,
  exportStats,
  exportStatsWithDialog,
  getStatsReport,
  getStatsToday,
  type ExportFormat,
  type StatsExport,
  type StatsReport,
} from '../../api'
import { addDays, daysBetween, isDate, rangeOf, type RangeMode } from './range'

/** The longest custom range (as app/stats allows). */
export const MAX_DAYS = 92

class StatsState {
  mode = $state<RangeMode>('day')
  /** Anchor of the day and week modes. */
  date = $state('')
  from = $state('')
  to = $state('')
  today = $state('')
  timeZone = $state('')
  report = $state.raw<StatsReport | null>(null)
  loading = $state(false)
  error = $state('')
  exporting = $state<ExportFormat | ''>('')
  private seq = 0

  readonly range = $derived(rangeOf(this.mode, this.date, this.from, this.to))

  /** Why the chosen custom range cannot be shown ('' when it can). */
  readonly invalid = $derived.by(() => {
    const { from, to } = this.range
    if (!isDate(from) || !isDate(to)) return 'date'
    if (daysBetween(from, to) > MAX_DAYS) return 'long'
    return ''
  })

  async init(): Promise<void> {
    if (this.today) return this.load()
    try {
      const t = await getStatsToday()
      this.today = t.date
      this.timeZone = t.timeZone
    } catch (e) {
      this.error = errorMessage(e)
      return
    }
    this.date = this.today
    this.from = addDays(this.today, -6)
    this.to = this.today
    return this.load()
  }

  async load(): Promise<void> {
    if (this.invalid) return
    const { from, to } = this.range
    const id = ++this.seq
    this.loading = true
    this.error = ''
    try {
      const r = await getStatsReport(from, to)
      if (id !== this.seq) return
      this.report = r
      if (r.timeZone) this.timeZone = r.timeZone
    } catch (e) {
      if (id === this.seq) this.error = errorMessage(e)
    } finally {
      if (id === this.seq) this.loading = false
    }
  }

  setMode(m: RangeMode): void {
    if (m === this.mode) return
    if (m === 'custom') {
      const r = this.range
      this.from = r.from
      this.to = r.to
    }
    this.mode = m
    void this.load()
  }

  /** Moves the day or week back (-1) or forward (+1). */
  shift(n: number): void {
    if (this.mode === 'custom') return
    this.date = addDays(this.date, n * (this.mode === 'week' ? 7 : 1))
    void this.load()
  }

  goToday(): void {
    this.date = this.today
    void this.load()
  }

  setDate(d: string): void {
    if (!isDate(d)) return
    this.date = d
    void this.load()
  }

  setCustom(from: string, to: string): void {
    this.from = from
    this.to = to
    void this.load()
  }

  /** Exports the shown period: through the save dialog, or to path when given. */
  async export(format: ExportFormat, path = ''): Promise<StatsExport> {
    const { from, to } = this.range
    this.exporting = format
    try {
      return path ? await exportStats(from, to, format, path) : await exportStatsWithDialog(from, to, format)
    } finally {
      this.exporting = ''
    }
  }
}

export const stats = new StatsState()
