// Go encodes nil slices as null; the UI always gets arrays. Wire values are typed loosely on
// purpose: these functions are the one place that trusts their shape.
import type { Counts, Customer, Deadline, Message, Notice, NotifySettings, Page, Policy, ReplyRule, Row, Settings, Status, Thread } from './types'

/* eslint-disable @typescript-eslint/no-explicit-any */
type Wire = any

const arr = <T>(v: T[] | null | undefined): T[] => (Array.isArray(v) ? v : [])

export function row(r: Wire): Row {
  return { ...r, tags: arr(r?.tags), dueStart: r?.dueStart ?? 0, linkedId: r?.linkedId ?? '' }
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
  return {
    conversation: row(t?.conversation),
    messages: arr(t?.messages).map(message),
    customer: customer(t?.customer),
    deadlines: arr<Deadline>(t?.deadlines),
    reply: reply(t?.reply),
  }
}

export function reply(r: Wire): ReplyRule {
  return { mode: r?.mode || 'free', until: r?.until ?? 0, privateReplyUntil: r?.privateReplyUntil ?? 0 }
}

export function policy(p: Wire): Policy {
  const b = p?.business
  return {
    classes: arr<Wire>(p?.classes).map((c) => ({ class: c?.class, calendar: c?.calendar || 'always', targets: arr(c?.targets) })),
    business: {
      timeZone: b?.timeZone ?? '',
      alwaysOpen: !!b?.alwaysOpen,
      week: Array.from({ length: 7 }, (_, d) => arr(arr<Wire>(b?.week)[d])),
      italianHolidays: !!b?.italianHolidays,
      holidays: arr(b?.holidays),
    },
    warnPercent: p?.warnPercent ?? 0,
    windowWarnMinutes: p?.windowWarnMinutes ?? 0,
    osTimeZone: p?.osTimeZone ?? '',
  }
}

export function notifySettings(s: Wire): NotifySettings {
  return { native: !!s?.native, dnd: !!s?.dnd, quiet: !!s?.quiet, quietStart: s?.quietStart ?? 0, quietEnd: s?.quietEnd ?? 0 }
}

export function notice(n: Wire): Notice {
  return {
    id: String(n?.id ?? ''),
    at: n?.at ?? 0,
    level: n?.level === 'breach' ? 'breach' : 'warning',
    title: n?.title ?? '',
    body: n?.body ?? '',
    convIds: arr<Wire>(n?.convIds).map(String),
    os: n?.os ?? '',
    read: !!n?.read,
  }
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
