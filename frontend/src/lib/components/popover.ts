// How an open popover leaves: a press outside it or Escape closes it. Escape is caught before the
// page's own shortcuts see it, and gives the focus back to the trigger when it was inside.

/** The part of the page a popover listens to (the real `document` in the app, a fake in tests). */
export type PopoverDoc = Pick<Document, 'addEventListener' | 'removeEventListener' | 'activeElement'>

export interface Dismiss {
  /** Everything that belongs to the popover: its trigger and its panel. */
  root: { contains(node: Node | null): boolean }
  close: () => void
  /** Called after an Escape that closed the popover while the focus was in it. */
  returnFocus: () => void
}

/** Listens on doc until the returned function is called. */
export function dismissable({ root, close, returnFocus }: Dismiss, doc: PopoverDoc = document): () => void {
  const onDown = (e: MouseEvent) => {
    if (!root.contains(e.target as Node | null)) close()
  }
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return
    e.stopPropagation()
    e.preventDefault()
    const inside = root.contains(doc.activeElement)
    close()
    if (inside) returnFocus()
  }
  doc.addEventListener('mousedown', onDown)
  doc.addEventListener('keydown', onKey, true)
  return () => {
    doc.removeEventListener('mousedown', onDown)
    doc.removeEventListener('keydown', onKey, true)
  }
}
