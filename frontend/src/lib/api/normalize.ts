// Go encodes nil slices as null; the UI always gets arrays. Wire values are typed loosely on
// purpose: these functions are the one place that trusts their shape.
import type { Counts, Customer, Message, Page, Row, Settings, Status, Thread } from './types'

/* eslint-disable @typescript-eslint/no-explicit-any */
type Wire = any

const arr = <T>(v: T[] | null | undefined): T[] => (Array.isArray(v) ? v : [])

export function row(r: Wire): Row {
  return { ...r, tags: arr(r?.tags) }
}

export function counts(c: Wire): Counts {
  return {
    platform: arr(c?.platform),
    account: arr(c?.account),
    status: arr(c?.status),
    visibility: arr(c?.visibility),
    assignee: arr(c?.assignee),
    tag: arr(c?.tag),
  }
}

export function page(p: Wire): Page {
  return { rows: arr(p?.rows).map(row), total: p?.total ?? 0, offset: p?.offset ?? 0, counts: counts(p?.counts) }
}

export function message(m: Wire): Message {
  return { ...m, attachments: arr(m?.attachments) }
}

export function customer(c: Wire): Customer {
  return { ...c, identities: arr(c?.identities), conversations: arr(c?.conversations).map(row) }
}

export function thread(t: Wire): Thread {
  return { conversation: row(t?.conversation), messages: arr(t?.messages).map(message), customer: customer(t?.customer) }
}

export function status(s: Wire): Status {
  return { ...s, accounts: arr(s?.accounts) }
}

export function settings(s: Wire): Settings {
  return {
    language: s?.language || 'auto',
    osLocale: s?.osLocale ?? '',
    agentName: s?.agentName ?? '',
    theme: s?.theme || 'auto',
  }
}
