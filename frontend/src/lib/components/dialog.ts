// Keeps a <dialog> in step with the `open` flag that stands for it in the app's state.

/** The part of HTMLDialogElement this needs (a fake in tests). */
export type DialogLike = Pick<HTMLDialogElement, 'open' | 'showModal' | 'close'>

/** Shows or closes the dialog to match `open`; `onopen` runs only when it really opens. */
export function syncDialog(dialog: DialogLike, open: boolean, onopen?: () => void): void {
  if (open && !dialog.open) {
    onopen?.()
    dialog.showModal()
  } else if (!open && dialog.open) {
    dialog.close()
  }
}
