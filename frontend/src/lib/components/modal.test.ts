import { describe, expect, test } from 'vitest'
import { createRawSnippet } from 'svelte'
import { render } from 'svelte/server'
import { syncDialog } from './dialog'
import Modal from './Modal.svelte'

/** A stand-in for <dialog> that records what was asked of it. */
function fakeDialog(open = false) {
  const log: string[] = []
  const d = {
    open,
    showModal: () => {
      log.push('showModal')
      d.open = true
    },
    close: () => {
      log.push('close')
      d.open = false
    },
  }
  return { d, log }
}

describe('syncDialog', () => {
  test('opening resets the form first, then shows the dialog as modal', () => {
    const { d, log } = fakeDialog()
    syncDialog(d, true, () => log.push('onopen'))
    expect(log).toEqual(['onopen', 'showModal'])
    expect(d.open).toBe(true)
  })

  test('already open: nothing happens, the form is not reset', () => {
    const { d, log } = fakeDialog(true)
    syncDialog(d, true, () => log.push('onopen'))
    expect(log).toEqual([])
  })

  test('closing closes it once', () => {
    const { d, log } = fakeDialog(true)
    syncDialog(d, false, () => log.push('onopen'))
    syncDialog(d, false)
    expect(log).toEqual(['close'])
    expect(d.open).toBe(false)
  })

  test('closed by the browser (Escape) and the flag already false: nothing to do', () => {
    const { d, log } = fakeDialog(false)
    syncDialog(d, false)
    expect(log).toEqual([])
  })
})

describe('Modal markup', () => {
  const children = createRawSnippet(() => ({ render: () => '<footer><button type="submit">Save</button></footer>' }))
  const html = (extra: Record<string, unknown> = {}) =>
    render(Modal, {
      props: { open: false, titleId: 'x-title', title: 'Settings', onsubmit: () => {}, children, 'data-testid': 'x', ...extra },
    }).body

  test('a dialog labelled by its heading, with a close button and the caller’s content in a dialog form', () => {
    const out = html()
    expect(out).toMatch(/<dialog[^>]*data-testid="x"/)
    expect(out).toMatch(/<dialog[^>]*aria-labelledby="x-title"/)
    expect(out).toMatch(/<h2 id="x-title"[^>]*>Settings<\/h2>/)
    expect(out).toMatch(/<button type="button"[^>]*aria-label="[^"]+"/)
    expect(out).toMatch(/<form method="dialog"[^>]*>[\s\S]*<footer><button type="submit">Save<\/button><\/footer>[\s\S]*<\/form>/)
  })

  test('width and the line under the heading are the caller’s', () => {
    expect(html()).toContain('width: 640px')
    expect(html({ width: 540 })).toContain('width: 540px')
    expect(html()).toMatch(/<header class="[^"]*divider/)
    expect(html({ divider: false })).not.toMatch(/<header class="[^"]*divider/)
  })
})
