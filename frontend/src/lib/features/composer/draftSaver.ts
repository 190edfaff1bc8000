// Saves drafts as the agent types: at most `delay` ms behind, one save at a time and in order,
// and flushed at once when the agent switches conversation (so nothing typed is lost). Plain
// TypeScript with injected save and timers, so the tests drive it with fake timers.

export interface DraftData {
  convId: string
  text: string
  templateId: string
  fields: Record<string, string>
}

export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error'

export class DraftSaver {
  #pending: DraftData | null = null
  #timer: ReturnType<typeof setTimeout> | null = null
  #chain: Promise<void> = Promise.resolve()
  #inFlight = 0

  constructor(
    private readonly save: (d: DraftData) => Promise<void>,
    private readonly delay = 600,
    /** Hears every state change, with the conversation and the error when saving failed. */
    private readonly onState: (state: SaveState, convId: string, error?: unknown) => void = () => {},
  ) {}

  /** The latest content of a conversation's draft; saved `delay` ms after the last call. */
  schedule(d: DraftData): void {
    if (this.#pending && this.#pending.convId !== d.convId) void this.flush()
    this.#pending = { ...d, fields: { ...d.fields } }
    this.onState('pending', d.convId)
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.flush(), this.delay)
  }

  /** Saves what is pending now; resolves once every save so far is done. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const d = this.#pending
    this.#pending = null
    if (d) {
      this.#inFlight++
      this.#chain = this.#chain.then(async () => {
        this.onState('saving', d.convId)
        try {
          await this.save(d)
          this.#inFlight--
          // A newer edit of the same draft waiting: it is still pending, not saved.
          this.onState(this.#pending?.convId === d.convId ? 'pending' : 'saved', d.convId)
        } catch (e) {
          this.#inFlight--
          this.onState('error', d.convId, e)
        }
      })
    }
    return this.#chain
  }

  /** Forgets a conversation's pending save (its reply was just sent) and waits for saves under way. */
  cancel(convId: string): Promise<void> {
    if (this.#pending?.convId === convId) {
      if (this.#timer) clearTimeout(this.#timer)
      this.#timer = null
      this.#pending = null
      this.onState('idle', convId)
    }
    return this.#chain
  }

  /** Something not yet stored: pending or being saved. */
  get busy(): boolean {
    return this.#pending !== null || this.#inFlight > 0
  }

  pendingFor(convId: string): DraftData | null {
    return this.#pending?.convId === convId ? this.#pending : null
  }
}
