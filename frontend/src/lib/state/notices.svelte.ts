// The in-app notification list (the bell): loaded from Go, kept live by `notify:new`.
import { errorMessage, listNotices, markNoticesRead, onNotice, type Notice } from '../api'
import { mergeNotices, unreadCount, upsertNotice } from '../features/notices/notices'
import { t } from '../i18n/locale.svelte'
import { toasts } from './toasts.svelte'

/** How many notices the list keeps. */
const LIMIT = 100

class NoticesState {
  items = $state.raw<Notice[]>([])
  phase = $state<'idle' | 'loading' | 'ready' | 'error'>('idle')
  error = $state('')
  open = $state(false)

  readonly unread = $derived(unreadCount(this.items))

  #listening = 0
  #off: (() => void) | null = null
  #live: Notice[] = []
  #loading = false

  /** Starts listening and loads the list; the returned function stops listening. */
  start(): () => void {
    if (this.#listening++ === 0) this.#off = onNotice((n) => this.#receive(n))
    void this.load()
    return () => {
      if (--this.#listening === 0) {
        this.#off?.()
        this.#off = null
      }
    }
  }

  #receive(n: Notice): void {
    if (this.#loading) this.#live.push(n)
    this.items = upsertNotice(this.items, n, LIMIT)
  }

  /** (Re)reads the list from Go, keeping what is shown meanwhile. */
  async load(): Promise<void> {
    if (this.#loading) return
    this.#loading = true
    this.#live = []
    if (this.phase !== 'ready') this.phase = 'loading'
    try {
      const loaded = await listNotices(LIMIT)
      // A read mark set here while loading must survive too.
      const readHere = this.items.filter((x) => x.read)
      this.items = mergeNotices(loaded, [...this.#live], LIMIT).map((x) =>
        !x.read && readHere.some((r) => r.id === x.id) ? { ...x, read: true } : x,
      )
      this.phase = 'ready'
      this.error = ''
    } catch (e) {
      if (this.phase !== 'ready') {
        this.phase = 'error'
        this.error = errorMessage(e)
      }
    } finally {
      this.#loading = false
      this.#live = []
    }
  }

  toggle(): void {
    this.open = !this.open
    if (this.open) void this.load()
  }

  async markAllRead(): Promise<void> {
    const before = this.items
    this.items = before.map((x) => (x.read ? x : { ...x, read: true }))
    try {
      await markNoticesRead()
    } catch (e) {
      this.items = before
      toasts.show(t('toast.failed', { error: errorMessage(e) }), { kind: 'error' })
    }
  }
}

export const notices = new NoticesState()
