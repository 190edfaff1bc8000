// Keyboard shortcuts as a pure mapping from a key press to an action.

export type Action = 'next' | 'prev' | 'open' | 'resolve' | 'assign' | 'search' | 'escape' | 'help' | 'notices' | 'reply'

export interface KeyPress {
  key: string
  ctrlKey?: boolean
  metaKey?: boolean
  altKey?: boolean
}

/** Where the key press happened: in a text field, on a button/link, or elsewhere. */
export type KeyContext = 'typing' | 'control' | 'none'

const plain: Record<string, Action> = {
  j: 'next',
  ArrowDown: 'next',
  k: 'prev',
  ArrowUp: 'prev',
  Enter: 'open',
  e: 'resolve',
  a: 'assign',
  '/': 'search',
  '?': 'help',
  n: 'notices',
  r: 'reply',
}

export function actionFor(press: KeyPress, context: KeyContext): Action | null {
  if (press.key === 'Escape') return 'escape'
  if (context === 'typing') return null
  if (press.ctrlKey || press.metaKey || press.altKey) return null
  // Enter and Space on a focused button belong to the button.
  if (context === 'control' && (press.key === 'Enter' || press.key === ' ')) return null
  return plain[press.key] ?? null
}

interface TargetLike {
  tagName?: string
  isContentEditable?: boolean
  type?: string
}

const nonTextInputs = new Set(['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'])

export function keyContext(target: TargetLike | null | undefined): KeyContext {
  if (!target || !target.tagName) return 'none'
  const tag = target.tagName.toUpperCase()
  if (target.isContentEditable || tag === 'TEXTAREA' || tag === 'SELECT') return 'typing'
  if (tag === 'INPUT') return nonTextInputs.has((target.type ?? 'text').toLowerCase()) ? 'control' : 'typing'
  if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') return 'control'
  return 'none'
}
