// The Accounts dialog's state: whether it is open, and the connected accounts with their sync state.
import { addAccount, errorMessage, getStatus, listAccounts, removeAccount, type Account, type AccountForm } from '../../api'
import { app } from '../../state/app.svelte'
import { queue } from '../../state/queue.svelte'

class AccountsState {
  open = $state(false)
  list = $state.raw<Account[]>([])
  phase = $state<'idle' | 'loading' | 'ready' | 'error'>('idle')
  error = $state('')
  #seq = 0

  async load(): Promise<void> {
    const seq = ++this.#seq
    if (this.phase !== 'ready') this.phase = 'loading'
    try {
      const list = await listAccounts()
      if (seq !== this.#seq) return
      this.list = list
      this.phase = 'ready'
      this.error = ''
    } catch (e) {
      if (seq !== this.#seq) return
      this.phase = 'error'
      this.error = errorMessage(e)
    }
  }

  /** Connects (or reconnects) an account; throws with Go's message. */
  async add(f: AccountForm): Promise<void> {
    this.#seq++
    this.list = await addAccount(f)
    this.phase = 'ready'
    await this.#changed()
  }

  /** Removes an account (its conversations stay); throws with Go's message. */
  async remove(id: string): Promise<void> {
    this.#seq++
    this.list = await removeAccount(id)
    this.phase = 'ready'
    await this.#changed()
  }

  /** The top bar's chips, the welcome screen and the rows' account names follow. */
  async #changed(): Promise<void> {
    try {
      app.status = await getStatus()
    } catch {
      // the app:status event brings it too
    }
    if (app.hasAccounts) void queue.refresh()
  }
}

export const accounts = new AccountsState()
