// Short-lived notices at the bottom of the window, optionally with one action (e.g. Undo).
export interface Toast {
  id: number
  text: string
  kind: 'info' | 'error'
  action?: { label: string; run: () => void }
}

let seq = 0
let items = $state<Toast[]>([])

export const toasts = {
  get items(): Toast[] {
    return items
  },
  show(text: string, opts: { kind?: Toast['kind']; action?: Toast['action']; ms?: number } = {}): number {
    const id = ++seq
    items = [...items.slice(-3), { id, text, kind: opts.kind ?? 'info', action: opts.action }]
    setTimeout(() => toasts.dismiss(id), opts.ms ?? (opts.kind === 'error' ? 8000 : 6000))
    return id
  },
  dismiss(id: number) {
    items = items.filter((t) => t.id !== id)
  },
}
