import { describe, expect, test } from 'vitest'
import { createRawSnippet } from 'svelte'
import { render } from 'svelte/server'
import { dismissable, type PopoverDoc } from './popover'
import Popover from './Popover.svelte'

/** A page with a popover in it: `inside` belongs to the popover, `outside` does not. */
function page() {
  // Listeners by type and phase (Node's EventTarget does not remove capture listeners).
  const listeners = new Map<string, Set<(e: Event) => void>>()
  const at = (type: string, capture?: boolean | AddEventListenerOptions) => {
    const k = `${type}/${capture === true}`
    if (!listeners.has(k)) listeners.set(k, new Set())
    return listeners.get(k)!
  }
  const target = {
    addEventListener: (type: string, fn: (e: Event) => void, capture?: boolean) => void at(type, capture).add(fn),
    removeEventListener: (type: string, fn: (e: Event) => void, capture?: boolean) => void at(type, capture).delete(fn),
    dispatchEvent: (e: Event) => {
      for (const capture of [true, false]) for (const fn of at(e.type, capture)) fn(e)
    },
  }
  const inside = { name: 'inside' } as unknown as Node
  const outside = { name: 'outside' } as unknown as Node
  const doc = {
    activeElement: null as Element | null,
    addEventListener: target.addEventListener,
    removeEventListener: target.removeEventListener,
  }
  const log: string[] = []
  const stop = dismissable(
    {
      root: { contains: (n) => n === inside },
      close: () => log.push('close'),
      returnFocus: () => log.push('focus trigger'),
    },
    doc as unknown as PopoverDoc,
  )
  // Event.target is read-only: set it by hand, as the browser would.
  const press = (on: Node) => {
    const e = new Event('mousedown')
    Object.defineProperty(e, 'target', { value: on })
    target.dispatchEvent(e)
  }
  const key = (k: string) => {
    const e = Object.assign(new Event('keydown', { cancelable: true }), { key: k })
    let stopped = false
    e.stopPropagation = () => void (stopped = true)
    target.dispatchEvent(e)
    return { prevented: e.defaultPrevented, stopped }
  }
  return { doc, inside, outside, log, stop, press, key }
}

describe('dismissable', () => {
  test('a press outside closes; a press inside does not', () => {
    const p = page()
    p.press(p.inside)
    expect(p.log).toEqual([])
    p.press(p.outside)
    expect(p.log).toEqual(['close'])
  })

  test('Escape closes and is kept from the page’s shortcuts', () => {
    const p = page()
    expect(p.key('Escape')).toEqual({ prevented: true, stopped: true })
    expect(p.log).toEqual(['close'])
  })

  test('Escape gives the focus back to the trigger only when it was inside', () => {
    const p = page()
    p.doc.activeElement = p.inside as unknown as Element
    p.key('Escape')
    expect(p.log).toEqual(['close', 'focus trigger'])

    const q = page()
    q.doc.activeElement = q.outside as unknown as Element
    q.key('Escape')
    expect(q.log).toEqual(['close'])
  })

  test('other keys pass through', () => {
    const p = page()
    expect(p.key('j')).toEqual({ prevented: false, stopped: false })
    expect(p.log).toEqual([])
  })

  test('stops listening once stopped', () => {
    const p = page()
    p.stop()
    p.press(p.outside)
    p.key('Escape')
    expect(p.log).toEqual([])
  })
})

describe('Popover markup', () => {
  const trigger = createRawSnippet((props: () => Record<string, unknown>) => ({
    render: () => `<button aria-haspopup="${props()['aria-haspopup']}" aria-expanded="${props()['aria-expanded']}">open</button>`,
  }))
  const item = createRawSnippet((x: () => string) => ({ render: () => `<span class="it">${x()}</span>` }))
  const base = {
    title: 'Drafts',
    testid: 'drafts',
    width: 380,
    maxHeight: '70vh',
    key: (x: string) => x,
    error: 'broken',
    empty: 'nothing here',
    trigger,
    item,
  }
  const html = (props: { open?: boolean; items?: string[]; phase?: 'idle' | 'loading' | 'ready' | 'error' }) =>
    render(Popover<string>, { props: { ...base, open: true, items: [], phase: 'ready', ...props } }).body

  test('closed: only the trigger, which says it opens a dialog and is collapsed', () => {
    const out = html({ open: false, items: ['a'] })
    expect(out).toContain('aria-haspopup="dialog"')
    expect(out).toContain('aria-expanded="false"')
    expect(out).not.toContain('role="dialog"')
  })

  test('open: a labelled dialog with one item per entry', () => {
    const out = html({ items: ['a', 'b'] })
    expect(out).toContain('aria-expanded="true"')
    expect(out).toMatch(/role="dialog"[^>]*aria-label="Drafts"[^>]*tabindex="-1"[^>]*data-testid="drafts"/)
    expect(out).toMatch(/<h2[^>]*>Drafts<\/h2>/)
    expect(out.match(/class="it"/g)).toHaveLength(2)
  })

  test('empty, loading and failed lists', () => {
    expect(html({})).toContain('nothing here')
    expect(html({ phase: 'loading' })).toContain('aria-busy="true"')
    expect(html({ phase: 'error' })).toMatch(/role="alert"[^>]*>broken</)
    // What was listed stays listed when a reload fails.
    expect(html({ phase: 'error', items: ['a'] })).not.toContain('broken')
  })
})
