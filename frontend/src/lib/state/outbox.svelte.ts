// The open conversation's outgoing replies and their states, kept live by `outbox:changed`.
import { errorMessage, listOutbox, markReplySent, onOutboxChanged, retryReply, type OutItem } from '../api'
import { upsertOut } from '../features/composer/outbox'
import { t } from '../i18n/locale.svelte'
import { toasts } from './toasts.svelte'

class OutboxState {
  convId = $state<string | null>(null)
  items = $state.raw<OutItem[]>([])
  #seq = 0
  #listening = 0
  #off: (() => void) | null = null
  /** Events that arrived while the list was loading: applied on top of it. */
  #live: OutItem[] = []
  #loading = false

  /** Starts listening; the returned function stops. */
  start(): () => void {
    if (this.#listening++ === 0) this.#off = onOutboxChanged((it) => this.receive(it))
    return () => {
      if (--this.#listening === 0) {
        this.#off?.()
        this.#off = null
      }
    }
  }

  receive(it: OutItem): void {
    if (it.convId !== this.convId) return
    if (this.#loading) this.#live.push(it)
    this.items = upsertOut(this.items, it)
  }

  /** Shows a conversation's replies (again). */
  async load(convId: string | null): Promise<void> {
    const seq = ++this.#seq
    if (convId !== this.convId) {
      this.convId = convId
      this.items = []
    }
    this.#live = []
    if (!convId) return
    this.#loading = true
    try {
      const list = await listOutbox(convId)
      if (seq !== this.#seq) return
      let items = list
      for (const it of this.#live) items = upsertOut(items, it)
      this.items = items
    } catch {
      // Shown again on the next event or reload; the thread still shows the sent messages.
    } finally {
      if (seq === this.#seq) {
        this.#loading = false
        this.#live = []
      }
    }
  }

  async retry(id: string, text = ''): Promise<boolean> {
    try {
      this.receive(await retryReply(id, text))
      return true
    } catch (e) {
      toasts.show(t('toast.failed', { error: errorMessage(e) }), { kind: 'error' })
      return false
    }
  }

  async markSent(id: string): Promise<void> {
    try {
      this.receive(await markReplySent(id))
    } catch (e) {
      toasts.show(t('toast.failed', { error: errorMessage(e) }), { kind: 'error' })
    }
  }
}

export const outbox = new OutboxState()
