import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { DraftSaver, type DraftData } from './draftSaver'

const d = (convId: string, text: string): DraftData => ({ convId, text, templateId: '', fields: {} })

describe('DraftSaver', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  test('saves once, delay after the last keystroke, with the latest text', async () => {
    const saved: DraftData[] = []
    const s = new DraftSaver(async (x) => void saved.push(x), 500)
    s.schedule(d('a', 'H'))
    await vi.advanceTimersByTimeAsync(300)
    s.schedule(d('a', 'He'))
    await vi.advanceTimersByTimeAsync(300)
    s.schedule(d('a', 'Hey'))
    expect(saved).toEqual([])
    await vi.advanceTimersByTimeAsync(500)
    expect(saved.map((x) => x.text)).toEqual(['Hey'])
    expect(s.busy).toBe(false)
  })

  test('switching conversation saves the previous one at once', async () => {
    const saved: DraftData[] = []
    const s = new DraftSaver(async (x) => void saved.push(x), 500)
    s.schedule(d('a', 'draft of a'))
    s.schedule(d('b', 'b'))
    await vi.advanceTimersByTimeAsync(0)
    expect(saved.map((x) => x.convId)).toEqual(['a'])
    await vi.advanceTimersByTimeAsync(500)
    expect(saved.map((x) => x.convId)).toEqual(['a', 'b'])
  })

  test('flush saves now and resolves once stored; saves stay in order', async () => {
    const order: string[] = []
    let release: () => void = () => {}
    const s = new DraftSaver(
      (x) =>
        x.text === 'slow'
          ? new Promise<void>((r) => {
              release = () => {
                order.push(x.text)
                r()
              }
            })
          : (order.push(x.text), Promise.resolve()),
      500,
    )
    s.schedule(d('a', 'slow'))
    const first = s.flush()
    s.schedule(d('a', 'fast'))
    const second = s.flush()
    expect(s.busy).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(order).toEqual([])
    release()
    await first
    await second
    expect(order).toEqual(['slow', 'fast'])
    expect(s.busy).toBe(false)
  })

  test('the data is copied: later edits of the object do not change what is saved', async () => {
    const saved: DraftData[] = []
    const s = new DraftSaver(async (x) => void saved.push(x), 100)
    const x = d('a', 'one')
    x.fields.order = '1'
    s.schedule(x)
    x.text = 'two'
    x.fields.order = '2'
    await s.flush()
    expect(saved).toEqual([{ convId: 'a', text: 'one', templateId: '', fields: { order: '1' } }])
  })

  test('cancel drops the pending save of a sent reply', async () => {
    const saved: DraftData[] = []
    const s = new DraftSaver(async (x) => void saved.push(x), 500)
    s.schedule(d('a', 'sent now'))
    await s.cancel('a')
    await vi.advanceTimersByTimeAsync(1000)
    expect(saved).toEqual([])
  })

  test('reports its state, and a failed save', async () => {
    const states: string[] = []
    const s = new DraftSaver(
      async () => {
        throw new Error('disk full')
      },
      100,
      (st) => states.push(st),
    )
    s.schedule(d('a', 'x'))
    await s.flush()
    expect(states).toEqual(['pending', 'saving', 'error'])
  })
})
