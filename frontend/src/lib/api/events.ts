// Go → UI events, mirrored once from the Go side (app/desktop).
import { EventsOn } from '../../../wailsjs/runtime/runtime'
import * as n from './normalize'
import type { Notice, QueueChanged, Status } from './types'
import { outItem, type OutItem } from './composer'

export const EVENTS = {
  queueChanged: 'queue:changed',
  appStatus: 'app:status',
  notice: 'notify:new',
  outbox: 'outbox:changed',
} as const

export type Unsubscribe = () => void

function on<T>(name: string, decode: (raw: unknown) => T, cb: (payload: T) => void): Unsubscribe {
  // The runtime is absent when the page is opened outside the app; there is nothing to listen to.
  if (typeof window === 'undefined' || !(window as { runtime?: unknown }).runtime) return () => {}
  const off = EventsOn(name, (raw: unknown) => cb(decode(raw)))
  return typeof off === 'function' ? off : () => {}
}

/** Conversations changed (batched by Go, at most ~4 per second). */
export function onQueueChanged(cb: (e: QueueChanged) => void): Unsubscribe {
  return on(
    EVENTS.queueChanged,
    (raw) => {
      const ids = (raw as { ids?: unknown } | null)?.ids
      return { ids: Array.isArray(ids) ? ids.map(String) : [] }
    },
    cb,
  )
}

/** The app's status changed (accounts, disk, demo). */
export function onAppStatus(cb: (s: Status) => void): Unsubscribe {
  return on(EVENTS.appStatus, n.status, cb)
}

/** An in-app notification was added or updated (e.g. once the OS showed or refused it). */
export function onNotice(cb: (notice: Notice) => void): Unsubscribe {
  return on(EVENTS.notice, n.notice, cb)
}

/** An outgoing reply changed state (queued, sending, sent, failed, needs-check). */
export function onOutboxChanged(cb: (item: OutItem) => void): Unsubscribe {
  return on(EVENTS.outbox, outItem, cb)
}
