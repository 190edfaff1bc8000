// Windowed access to the queue: rows are fetched in fixed pages (offset/limit) and cached, so a
// 100k-row queue only ever holds the pages around what is on screen.

export const PAGE_SIZE = 100

export function pageOf(index: number, size = PAGE_SIZE): number {
  return Math.floor(index / size)
}

/** Pages covering rows [start, end] (inclusive), widened by `margin` rows each side, within total. */
export function pagesForRange(start: number, end: number, total: number, margin = 0, size = PAGE_SIZE): number[] {
  if (total <= 0 || end < start) return []
  const first = pageOf(Math.max(0, start - margin), size)
  const last = pageOf(Math.min(total - 1, end + margin), size)
  const pages: number[] = []
  for (let p = first; p <= last; p++) pages.push(p)
  return pages
}

/** Moves an index by delta within [0, total): from "nothing selected" (-1) j goes to 0 and k too. */
export function step(index: number, delta: number, total: number): number {
  if (total <= 0) return -1
  if (index < 0) return 0
  return Math.min(total - 1, Math.max(0, index + delta))
}

export class PageCache<T> {
  readonly size: number
  private pages = new Map<number, T[]>()

  constructor(size = PAGE_SIZE) {
    this.size = size
  }

  get(index: number): T | undefined {
    return this.pages.get(pageOf(index, this.size))?.[index % this.size]
  }

  has(page: number): boolean {
    return this.pages.has(page)
  }

  set(page: number, rows: T[]): void {
    this.pages.set(page, rows)
  }

  /** Replaces one cached row; false when its page is not cached. */
  patch(index: number, row: T): boolean {
    const page = pageOf(index, this.size)
    const rows = this.pages.get(page)
    const at = index % this.size
    if (!rows || at >= rows.length) return false
    const copy = rows.slice()
    copy[at] = row
    this.pages.set(page, copy)
    return true
  }

  /** Of the wanted pages, those not cached yet. */
  missing(pages: number[]): number[] {
    return pages.filter((p) => !this.pages.has(p))
  }

  loadedPages(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b)
  }

  /** Replaces the whole cache at once (after a refresh), so no stale page survives next to fresh ones. */
  replace(fresh: Map<number, T[]>): void {
    this.pages = fresh
  }

  clear(): void {
    this.pages.clear()
  }

  /** Index of the first cached row matching pred, or -1. */
  findIndex(pred: (row: T) => boolean): number {
    for (const p of this.loadedPages()) {
      const rows = this.pages.get(p)!
      const i = rows.findIndex(pred)
      if (i >= 0) return p * this.size + i
    }
    return -1
  }

  /** Drops pages past the new total (the queue shrank). */
  trim(total: number): void {
    for (const p of [...this.pages.keys()]) if (p * this.size >= total) this.pages.delete(p)
  }
}
