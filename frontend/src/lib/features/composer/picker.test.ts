import { describe, expect, test } from 'vitest'
import type { Template } from '../../api/composer'
import { closedPicker, pickerCurrent, pickerDismiss, pickerInput, pickerKey, pickerMove, pickerResults } from './picker'

const tpl = (id: string): Template => ({ id, name: id, shortcut: id, body: id, fields: [], variants: {}, lang: 'it', tags: [], uses: 0 })

describe('picker', () => {
  test('opens on "/" and searches as the agent types', () => {
    let r = pickerInput(closedPicker, '/', 1)
    expect(r.search).toBe(true)
    expect(r.state).toMatchObject({ open: true, query: '', start: 0, end: 1, loaded: false })
    r = pickerInput(r.state, '/ri', 3)
    expect(r.search).toBe(true)
    expect(r.state.query).toBe('ri')
    // The caret moving within the same query searches nothing new.
    expect(pickerInput(r.state, '/ri', 3).search).toBe(false)
  })

  test('closes when the word ends', () => {
    const open = pickerInput(closedPicker, '/ri', 3).state
    expect(pickerInput(open, '/ri ', 4).state.open).toBe(false)
  })

  test('late results for an older query are dropped', () => {
    let s = pickerInput(closedPicker, '/r', 2).state
    s = pickerInput(s, '/ri', 3).state
    expect(pickerResults(s, 'r', [tpl('a')]).items).toEqual([])
    s = pickerResults(s, 'ri', [tpl('ritardo'), tpl('rimborso')])
    expect(s.loaded).toBe(true)
    expect(pickerCurrent(s)?.id).toBe('ritardo')
  })

  test('arrows wrap around; Enter picks the highlighted one', () => {
    let s = pickerResults(pickerInput(closedPicker, '/', 1).state, '', [tpl('a'), tpl('b'), tpl('c')])
    s = pickerMove(s, 1)
    expect(pickerCurrent(s)?.id).toBe('b')
    s = pickerMove(pickerMove(s, 1), 1)
    expect(pickerCurrent(s)?.id).toBe('a')
    s = pickerMove(s, -1)
    expect(pickerCurrent(s)?.id).toBe('c')
    expect(pickerKey(s, 'Enter')).toBe('pick')
    expect(pickerKey(s, 'ArrowDown')).toBe('down')
    expect(pickerKey(s, 'ArrowUp')).toBe('up')
    expect(pickerKey(s, 'Escape')).toBe('close')
    expect(pickerKey(s, 'a')).toBeNull()
  })

  test('new results keep the highlight in range', () => {
    let s = pickerResults(pickerInput(closedPicker, '/', 1).state, '', [tpl('a'), tpl('b'), tpl('c')])
    s = pickerMove(pickerMove(s, 1), 1)
    s = pickerInput(s, '/x', 2).state
    expect(s.index).toBe(0)
    s = pickerResults(s, 'x', [tpl('x')])
    expect(pickerCurrent(s)?.id).toBe('x')
  })

  test('while the results for what was typed are on their way, Enter waits instead of taking a stale row', () => {
    let s = pickerResults(pickerInput(closedPicker, '/', 1).state, '', [tpl('refund'), tpl('ritardo')])
    expect(pickerCurrent(s)?.id).toBe('refund')
    s = pickerInput(s, '/rit', 4).state
    // The earlier rows stay on screen (no flicker) but none of them is picked.
    expect(s.items.map((t) => t.id)).toEqual(['refund', 'ritardo'])
    expect(pickerCurrent(s)).toBeNull()
    expect(pickerKey(s, 'Enter')).toBe('pick')
    // A late answer for an earlier query changes nothing; the one for "rit" does.
    expect(pickerResults(s, 'ri', [tpl('refund')])).toBe(s)
    s = pickerResults(s, 'rit', [tpl('ritardo')])
    expect(pickerCurrent(s)?.id).toBe('ritardo')
  })

  test('Enter with no results, or keys while closed, belong to the textarea', () => {
    const s = pickerResults(pickerInput(closedPicker, '/zz', 3).state, 'zz', [])
    expect(pickerKey(s, 'Enter')).toBeNull()
    expect(pickerKey(s, 'Escape')).toBe('close')
    expect(pickerKey(closedPicker, 'ArrowDown')).toBeNull()
  })

  test('Esc keeps it closed while the same "/" word is typed, until another one starts', () => {
    let s = pickerInput(closedPicker, 'a /ri', 5).state
    s = pickerDismiss(s)
    expect(s.open).toBe(false)
    let r = pickerInput(s, 'a /rit', 6)
    expect(r.state.open).toBe(false)
    expect(r.search).toBe(false)
    r = pickerInput(r.state, 'a /rit /', 8)
    expect(r.state.open).toBe(true)
    expect(r.search).toBe(true)
  })
})
