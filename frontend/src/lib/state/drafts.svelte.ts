// The list of open drafts (top bar): what the agent started writing and has not sent yet.
import { errorMessage, listDrafts, type Draft } from '../api'

class DraftsState {
  items = $state.raw<Draft[]>([])
  phase = $state<'idle' | 'loading' | 'ready' | 'error'>('idle')
  error = $state('')
  open = $state(false)
  #timer: ReturnType<typeof setTimeout> | null = null
  #seq = 0

  /** Reads the list again now. */
  async load(): Promise<void> {
    const seq = ++this.#seq
    if (this.phase !== 'ready') this.phase = 'loading'
    try {
      const list = await listDrafts()
      if (seq !== this.#seq) return
      this.items = list
      this.phase = 'ready'
      this.error = ''
    } catch (e) {
      if (seq !== this.#seq) return
      if (this.phase !== 'ready') this.phase = 'error'
      this.error = errorMessage(e)
    }
  }

  /** Reads the list again soon (after a draft was saved or sent), at most once a second. */
  refresh(): void {
    if (this.#timer) return
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.load()
    }, 1000)
  }

  toggle(): void {
    this.open = !this.open
    if (this.open) void this.load()
  }
}

export const drafts = new DraftsState()
