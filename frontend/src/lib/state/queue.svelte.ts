// The queue window: current filter, facet counts, cached pages around what is on screen, and the
// selection (kept by id, so it survives refreshes that move rows around).
import { emptyCounts, emptyFilter, errorMessage, listQueue, type Counts, type Filter, type Row } from '../api'
import { PAGE_SIZE, PageCache, pagesForRange, step } from '../features/queue/window'

/** Rows fetched beyond the visible ones, so scrolling rarely shows a placeholder. */
const MARGIN = 30

export function isFiltered(f: Filter): boolean {
  return Object.values(f).some((v) => v !== '')
}

class QueueState {
  filter = $state<Filter>(emptyFilter())
  total = $state(0)
  counts = $state.raw<Counts>(emptyCounts())
  /** Bumped whenever cached rows change: readers of rowAt() depend on it. */
  version = $state(0)
  /** Bumped when the filter changes: the list scrolls back to the top. */
  generation = $state(0)
  phase = $state<'idle' | 'loading' | 'ready' | 'error'>('idle')
  error = $state('')
  selectedId = $state<string | null>(null)
  /** Ask the list to bring an index into view; seq makes repeated requests distinct. */
  scrollRequest = $state.raw<{ index: number; seq: number } | null>(null)

  readonly filtered = $derived(isFiltered(this.filter))

  #cache = new PageCache<Row>(PAGE_SIZE)
  #gen = 0
  #inflight = new Map<number, Promise<void>>()
  #visible = { start: 0, end: 20 }
  #lastIndex = -1
  #scrollSeq = 0
  #running: Promise<void> | null = null
  #queued: Promise<void> | null = null

  rowAt(index: number): Row | undefined {
    void this.version
    return this.#cache.get(index)
  }

  indexOf(id: string | null): number {
    void this.version
    return id ? this.#cache.findIndex((r) => r.id === id) : -1
  }

  setFilter(patch: Partial<Filter>): void {
    const next = { ...this.filter, ...patch }
    if (Object.keys(patch).every((k) => this.filter[k as keyof Filter] === next[k as keyof Filter])) return
    this.filter = next
    this.reload()
  }

  clearFilters(): void {
    this.filter = emptyFilter()
    this.reload()
  }

  /** Starts over for a new filter: empty cache, first page. */
  reload(): void {
    this.#gen++
    this.#inflight.clear()
    this.#cache.clear()
    this.#lastIndex = -1
    this.#visible = { start: 0, end: 20 }
    this.generation++
    this.version++
    this.phase = 'loading'
    this.error = ''
    void this.#fetchPage(0)
  }

  /** Called by the list with the rows on screen; fetches the pages they need. */
  ensureRange(start: number, end: number): void {
    this.#visible = { start, end }
    if (this.phase !== 'ready') return
    const pages = pagesForRange(start, end, this.total, MARGIN)
    for (const p of this.#cache.missing(pages)) void this.#fetchPage(p)
  }

  #fetchPage(page: number): Promise<void> {
    const existing = this.#inflight.get(page)
    if (existing) return existing
    const gen = this.#gen
    const filter = $state.snapshot(this.filter) as Filter
    const p = listQueue(filter, page * PAGE_SIZE, PAGE_SIZE)
      .then((res) => {
        if (gen !== this.#gen) return
        this.#cache.set(page, res.rows)
        this.#accept(res.total, res.counts)
        if (this.phase !== 'ready') {
          this.phase = 'ready'
          this.ensureRange(this.#visible.start, this.#visible.end)
        }
      })
      .catch((e: unknown) => {
        if (gen !== this.#gen) return
        if (this.phase !== 'ready') {
          this.phase = 'error'
          this.error = errorMessage(e)
        }
      })
      .finally(() => {
        if (this.#inflight.get(page) === p) this.#inflight.delete(page)
      })
    this.#inflight.set(page, p)
    return p
  }

  #accept(total: number, counts: Counts): void {
    this.total = total
    this.counts = counts
    this.#cache.trim(total)
    const i = this.selectedId ? this.#cache.findIndex((r) => r.id === this.selectedId) : -1
    if (i >= 0) this.#lastIndex = i
    this.version++
  }

  /**
   * Re-fetches the pages on screen without clearing what is shown (queue:changed, after an
   * action). Calls made while one runs coalesce into one follow-up; the promise resolves once
   * data fetched after the call is in place.
   */
  refresh(): Promise<void> {
    if (this.phase === 'idle') return Promise.resolve()
    if (!this.#running) {
      this.#running = this.#refresh().finally(() => (this.#running = null))
      return this.#running
    }
    if (!this.#queued) {
      this.#queued = this.#running.then(() => {
        this.#queued = null
        return this.refresh()
      })
    }
    return this.#queued
  }

  async #refresh(): Promise<void> {
    // During the first load, let it finish (restarting it on every event could starve it when
    // changes stream in), then refresh on top of it.
    if (this.phase === 'loading') await this.#inflight.get(0)
    if (this.phase === 'error') {
      this.reload()
      return
    }
    if (this.phase !== 'ready') return
    const gen = ++this.#gen
    this.#inflight.clear()
    const { start, end } = this.#visible
    let pages = pagesForRange(start, end, Math.max(this.total, 1), MARGIN)
    if (pages.length === 0) pages = [0]
    const filter = $state.snapshot(this.filter) as Filter
    try {
      const results = await Promise.all(pages.map((p) => listQueue(filter, p * PAGE_SIZE, PAGE_SIZE)))
      if (gen !== this.#gen) return
      const fresh = new Map<number, Row[]>()
      results.forEach((res, i) => fresh.set(pages[i], res.rows))
      this.#cache.replace(fresh)
      const last = results[results.length - 1]
      this.#accept(last.total, last.counts)
      this.ensureRange(this.#visible.start, this.#visible.end)
    } catch {
      // Keep showing what we have; the next change event or action tries again.
      if (gen === this.#gen) this.#gen++
    }
  }

  select(id: string | null, scroll = false): void {
    this.selectedId = id
    const i = this.indexOf(id)
    if (i >= 0) {
      this.#lastIndex = i
      if (scroll) this.scrollTo(i)
    }
  }

  scrollTo(index: number): void {
    this.scrollRequest = { index, seq: ++this.#scrollSeq }
  }

  /**
   * j / k: moves the selection. When the selected row has left the list (resolved, filtered
   * out) it moves from where that row was.
   */
  async move(delta: number): Promise<void> {
    const i = this.indexOf(this.selectedId)
    let from = i >= 0 ? i : this.#lastIndex
    if (i < 0 && from >= 0 && delta > 0) from -= 1 // the row at the old index is already the next one
    // Nothing selected yet: start from the first row on screen, not from the top of the queue.
    const next = from < 0 ? Math.min(this.#visible.start, this.total - 1) : step(from, delta, this.total)
    if (next < 0) return
    this.scrollTo(next)
    let row = this.rowAt(next)
    if (!row) {
      await this.#fetchPage(Math.floor(next / PAGE_SIZE))
      row = this.rowAt(next)
    }
    if (row) {
      this.selectedId = row.id
      this.#lastIndex = next
    }
  }

  /** The row now at the position of a row that left the list (to move on after resolving it). */
  rowAfterRemoval(index: number): Row | undefined {
    if (this.total === 0 || index < 0) return undefined
    return this.rowAt(Math.min(index, this.total - 1))
  }

  /** Replaces a row in the cache with a fresher copy returned by an action. */
  patchRow(row: Row): void {
    const i = this.indexOf(row.id)
    if (i >= 0 && this.#cache.patch(i, row)) this.version++
  }
}

export const queue = new QueueState()
