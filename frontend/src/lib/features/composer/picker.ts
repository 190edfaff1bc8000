// The template picker's state as pure transitions: "/" at the start of a word opens it, what
// follows is the query, results arrive (late ones for an old query are dropped), arrows move the
// highlight, Esc closes it until the agent starts another "/" word.
import type { Template } from '../../api/composer'
import { slashToken } from './text'

export interface PickerState {
  open: boolean
  query: string
  /** The "/query" word in the text: [start, end). */
  start: number
  end: number
  items: Template[]
  index: number
  /** Results for `query` have arrived. */
  loaded: boolean
  /** Start of a "/" word the agent closed with Esc: it stays closed while that word is edited. */
  dismissed: number | null
}

export const closedPicker: PickerState = { open: false, query: '', start: 0, end: 0, items: [], index: 0, loaded: false, dismissed: null }

/** After each input or caret move; `search` says whether a search for the new query is due. */
export function pickerInput(s: PickerState, text: string, caret: number): { state: PickerState; search: boolean } {
  const tok = slashToken(text, caret)
  if (!tok) return { state: { ...closedPicker }, search: false }
  if (s.dismissed === tok.start) return { state: { ...closedPicker, dismissed: s.dismissed }, search: false }
  const same = s.open && s.query === tok.query && s.start === tok.start
  if (same) return { state: { ...s, end: tok.end }, search: false }
  return {
    state: { ...s, open: true, query: tok.query, start: tok.start, end: tok.end, index: 0, loaded: false, dismissed: null },
    search: true,
  }
}

/** Search results for `query`; ignored when the agent has typed on since. */
export function pickerResults(s: PickerState, query: string, items: Template[]): PickerState {
  if (!s.open || query !== s.query) return s
  return { ...s, items, loaded: true, index: Math.min(s.index, Math.max(items.length - 1, 0)) }
}

/** Arrow keys: the highlight wraps around. */
export function pickerMove(s: PickerState, delta: number): PickerState {
  const n = s.items.length
  if (!s.open || n === 0) return s
  return { ...s, index: (((s.index + delta) % n) + n) % n }
}

/** The highlighted template; none while the results shown are still those of an earlier query. */
export function pickerCurrent(s: PickerState): Template | null {
  return s.open && s.loaded ? (s.items[s.index] ?? null) : null
}

/** Esc: closed, and it stays closed while the same "/" word is being typed. */
export function pickerDismiss(s: PickerState): PickerState {
  return { ...closedPicker, dismissed: s.open ? s.start : s.dismissed }
}

/** What a key does while the picker is open (null: the textarea handles it). */
export function pickerKey(s: PickerState, key: string): 'down' | 'up' | 'pick' | 'close' | null {
  if (!s.open) return null
  switch (key) {
    case 'ArrowDown':
      return 'down'
    case 'ArrowUp':
      return 'up'
    case 'Enter':
    case 'Tab':
      // Results still on their way: the pick waits for them rather than taking a stale row.
      return s.items.length || !s.loaded ? 'pick' : null
    case 'Escape':
      return 'close'
  }
  return null
}
