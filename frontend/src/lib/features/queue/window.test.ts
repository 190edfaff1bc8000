import { describe, expect, test } from 'vitest'
import { PageCache, pageOf, pagesForRange, step } from './window'

describe('pagesForRange', () => {
  test('covers the visible rows', () => {
    expect(pagesForRange(0, 20, 1000)).toEqual([0])
    expect(pagesForRange(95, 110, 1000)).toEqual([0, 1])
    expect(pagesForRange(250, 260, 1000)).toEqual([2])
  })
  test('widens by the margin and clips to the total', () => {
    expect(pagesForRange(110, 120, 1000, 30)).toEqual([0, 1])
    expect(pagesForRange(180, 190, 1000, 30)).toEqual([1, 2])
    expect(pagesForRange(0, 10, 5, 30)).toEqual([0])
    expect(pagesForRange(99_980, 99_999, 100_000, 30)).toEqual([999])
  })
  test('nothing for an empty queue', () => {
    expect(pagesForRange(0, 10, 0)).toEqual([])
    expect(pagesForRange(10, 5, 100)).toEqual([])
  })
  test('page size is honoured', () => {
    expect(pageOf(49, 50)).toBe(0)
    expect(pageOf(50, 50)).toBe(1)
    expect(pagesForRange(40, 60, 1000, 0, 50)).toEqual([0, 1])
  })
})

describe('step', () => {
  test.each([
    [-1, 1, 10, 0],
    [-1, -1, 10, 0],
    [0, 1, 10, 1],
    [0, -1, 10, 0],
    [9, 1, 10, 9],
    [5, -1, 10, 4],
    [3, 1, 0, -1],
  ])('from %d by %d in %d → %d', (from, delta, total, want) => {
    expect(step(from, delta, total)).toBe(want)
  })
})

describe('PageCache', () => {
  const rows = (page: number, n = 3) => Array.from({ length: n }, (_, i) => `r${page * 3 + i}`)

  test('rows by absolute index', () => {
    const c = new PageCache<string>(3)
    c.set(0, rows(0))
    c.set(2, rows(2))
    expect(c.get(1)).toBe('r1')
    expect(c.get(7)).toBe('r7')
    expect(c.get(4)).toBeUndefined()
    expect(c.missing([0, 1, 2, 3])).toEqual([1, 3])
  })

  test('findIndex searches every cached page', () => {
    const c = new PageCache<string>(3)
    c.set(2, rows(2))
    c.set(0, rows(0))
    expect(c.findIndex((r) => r === 'r8')).toBe(8)
    expect(c.findIndex((r) => r === 'r4')).toBe(-1)
  })

  test('replace drops stale pages at once', () => {
    const c = new PageCache<string>(3)
    c.set(0, rows(0))
    c.set(5, rows(5))
    c.replace(new Map([[0, ['a', 'b', 'c']]]))
    expect(c.loadedPages()).toEqual([0])
    expect(c.get(0)).toBe('a')
  })

  test('trim forgets pages past a shrunken total', () => {
    const c = new PageCache<string>(3)
    c.set(0, rows(0))
    c.set(1, rows(1))
    c.set(2, rows(2))
    c.trim(4)
    expect(c.loadedPages()).toEqual([0, 1])
  })

  test('patch replaces one row without touching the original page array', () => {
    const c = new PageCache<string>(3)
    const original = rows(1)
    c.set(1, original)
    expect(c.patch(4, 'X')).toBe(true)
    expect(c.get(4)).toBe('X')
    expect(original[1]).toBe('r4')
    expect(c.patch(10, 'Y')).toBe(false)
  })
})
