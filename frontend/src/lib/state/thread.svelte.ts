// The open conversation: its thread, loading/error state, and the customer card's data.
import { addNote, errorMessage, openThread, type Row, type Thread } from '../api'

class ThreadState {
  id = $state<string | null>(null)
  thread = $state.raw<Thread | null>(null)
  phase = $state<'idle' | 'loading' | 'ready' | 'error'>('idle')
  error = $state('')
  /** Bumped when messages are (re)loaded, so the view can keep the newest in sight. */
  loadSeq = $state(0)
  #seq = 0

  async open(id: string): Promise<void> {
    const switching = this.thread?.conversation.id !== id
    this.id = id
    if (switching) {
      this.thread = null
      this.phase = 'loading'
    }
    await this.#load(id)
  }

  /** Re-reads the open thread (new messages arrived, or it changed), keeping what is shown. */
  async reload(): Promise<void> {
    if (this.id) await this.#load(this.id)
  }

  async #load(id: string): Promise<void> {
    const seq = ++this.#seq
    try {
      const t = await openThread(id)
      if (seq !== this.#seq) return
      this.thread = t
      this.phase = 'ready'
      this.error = ''
      this.loadSeq++
    } catch (e) {
      if (seq !== this.#seq) return
      if (!this.thread || this.thread.conversation.id !== id) {
        this.phase = 'error'
        this.error = errorMessage(e)
      }
    }
  }

  close(): void {
    this.#seq++
    this.id = null
    this.thread = null
    this.phase = 'idle'
  }

  /** Keeps the header in step with a row returned by an action (assign, snooze…). */
  patchRow(row: Row): void {
    if (this.thread && this.thread.conversation.id === row.id) this.thread = { ...this.thread, conversation: row }
  }

  /** Adds an internal note; throws with the Go message. */
  async addNote(text: string): Promise<void> {
    const id = this.id
    if (!id) return
    const msg = await addNote(id, text)
    if (this.thread && this.thread.conversation.id === id && !this.thread.messages.some((m) => m.id === msg.id)) {
      this.thread = { ...this.thread, messages: [...this.thread.messages, msg] }
      this.loadSeq++
    }
  }
}

export const thread = new ThreadState()
