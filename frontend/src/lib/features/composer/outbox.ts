// Outgoing replies in the thread: a sent reply is a message of the thread (Go stores it there once
// the platform took it), every other one lives only in the outbox. These pure functions pair the
// two, so each reply shows once with its state, and keep the outbox list up to date from events.
import type { Message } from '../../api/types'
import type { OutItem } from '../../api/composer'

const norm = (s: string) => s.trim()

export interface OutboxView {
  /** Thread message ID → the outbox reply it is (its state is shown on the message). */
  byMessage: Map<string, OutItem>
  /** Replies to show after the thread's messages: not sent yet, or sent but not in the thread yet. */
  pending: OutItem[]
}

/**
 * Pairs each sent reply with the first outgoing thread message of the same text not yet paired
 * (the thread keeps the text Go sent). Replies are taken in the order they were written.
 */
export function outboxView(messages: Message[], items: OutItem[]): OutboxView {
  const byMessage = new Map<string, OutItem>()
  const pending: OutItem[] = []
  const outs = messages.filter((m) => m.direction === 'out')
  const taken = new Set<string>()
  for (const it of [...items].sort((a, b) => a.created - b.created)) {
    if (it.state === 'sent') {
      const m = outs.find((x) => !taken.has(x.id) && norm(x.text) === norm(it.text))
      if (m) {
        taken.add(m.id)
        byMessage.set(m.id, it)
        continue
      }
    }
    pending.push(it)
  }
  return { byMessage, pending }
}

/**
 * A reply's new state (from `outbox:changed` or an action): replaced by ID, or added in order. A
 * sent reply never goes back (a late event of an earlier state is ignored).
 */
export function upsertOut(items: OutItem[], it: OutItem): OutItem[] {
  const i = items.findIndex((x) => x.id === it.id)
  if (i >= 0 && items[i].state === 'sent' && it.state !== 'sent') return items
  const next = i < 0 ? [...items, it] : items.map((x, j) => (j === i ? it : x))
  return next.sort((a, b) => a.created - b.created)
}

/** The state mark: a clock while on its way, a check once sent, an alert when the agent must act. */
export function stateIcon(state: OutItem['state']): 'clock' | 'check' | 'alert' {
  return state === 'sent' ? 'check' : state === 'failed' || state === 'needs-check' ? 'alert' : 'clock'
}
