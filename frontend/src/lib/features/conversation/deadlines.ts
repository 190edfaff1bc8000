// Pure presentation of a conversation's deadlines and reply rule: labels, live states, time left.
// Every function takes `now`, the locale tag and the translator explicitly, so tests pin them.
import type { Deadline, DeadlineState, ReplyRule } from '../../api/types'
import type { MessageKey, Translate } from '../../i18n'
import { formatDuration, formatUntil, urgencyOf, type Urgency } from '../../util/time'

/** "First response", "24-hour reply window"… */
export function deadlineLabel(d: Pick<Deadline, 'key'>, tr: Translate): string {
  return tr(`deadline.${d.key}` as MessageKey)
}

/**
 * The state now. Go computes it when the thread is opened; a clock that was running (or paused)
 * and whose due instant has passed since then is breached.
 */
export function liveState(d: Deadline, now: number): DeadlineState {
  if ((d.state === 'running' || d.state === 'paused') && d.due > 0 && d.due <= now) return 'breached'
  return d.state
}

/** The state chip: SLA clocks run, pause, are met or breached; reply windows are open or closed. */
export function stateLabel(d: Pick<Deadline, 'window'>, state: DeadlineState, tr: Translate): string {
  return tr(`deadline.${d.window ? 'window' : 'state'}.${state}` as MessageKey)
}

/** The tone of a deadline: met/pending ones by how close they are, breached ones red. */
export function deadlineUrgency(d: Deadline, state: DeadlineState, now: number): Urgency | 'met' {
  switch (state) {
    case 'met':
      return 'met'
    case 'breached':
      return 'overdue'
    default:
      return urgencyOf(d.due, now, d.start)
  }
}

export interface DeadlineLine {
  /** "due 14:05", "closes Thu 13 Mar, 09:00" */
  due: string
  /** "12 min left", "2 h late", "done 14:02", "done 14:30, 15 min late" */
  detail: string
}

/** The due time (in local time) and what the agent needs to know about it now. */
export function deadlineLine(d: Deadline, state: DeadlineState, now: number, tag: string, tr: Translate, timeZone?: string): DeadlineLine {
  // Relative to a reference day: a date only when the instant is on another day.
  const at = (ms: number, ref = now) => formatUntil(ms, ref, tag, timeZone)
  const due = d.due ? tr(d.window ? 'deadline.closesAt' : 'deadline.dueAt', { time: at(d.due) }) : ''
  let detail = ''
  if (state === 'met' || (state === 'breached' && d.done)) {
    detail = d.done
      ? d.due && d.done > d.due
        ? tr('deadline.doneLate', { time: at(d.done, d.due), d: formatDuration(d.done - d.due, tr) })
        : tr('deadline.done', { time: at(d.done) })
      : ''
  } else if (state === 'breached') {
    detail = d.due ? tr(d.window ? 'deadline.closedAgo' : 'deadline.late', { d: formatDuration(now - d.due, tr) }) : ''
  } else if (d.due) {
    detail = tr('deadline.left', { d: formatDuration(d.due - now, tr) })
  }
  return { due, detail }
}

/** "Target: 4 h" for SLA clocks (business time when the class counts business hours). */
export function targetText(d: Deadline, tr: Translate): string {
  return !d.window && d.targetMinutes > 0 ? tr('deadline.target', { d: formatDuration(d.targetMinutes * 60_000, tr) }) : ''
}

/** The start of the deadline a conversation is due by (for the countdown's colour), 0 if unknown. */
export function startOfDue(deadlines: Deadline[], dueAt: number): number {
  return deadlines.find((d) => d.due === dueAt && d.state !== 'met' && !d.done)?.start ?? 0
}

function dayKey(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms)
}

/**
 * What follows "until": "14:05" / "alle 14:05" today, "tomorrow 14:05" / "domani alle 14:05",
 * else "Thu 13 Mar 14:05" / "a gio 13 mar alle 14:05" (Italian needs the preposition to vary).
 */
export function untilPhrase(at: number, now: number, tag: string, tr: Translate, timeZone?: string): string {
  const time = new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit' }).format(at)
  const day = dayKey(at, timeZone)
  if (day === dayKey(now, timeZone)) return tr('until.today', { time })
  if (day === dayKey(now + 24 * 3_600_000, timeZone)) return tr('until.tomorrow', { time })
  const date = new Intl.DateTimeFormat(tag, { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(at)
  return tr('until.day', { day: date, time })
}

export interface ReplyLine {
  text: string
  tone: 'ok' | 'warn' | 'danger'
}

/** What can be sent now and until when, then the private reply a public comment may still get. */
export function replyLines(r: ReplyRule, now: number, tag: string, tr: Translate, timeZone?: string): ReplyLine[] {
  const until = (ms: number) => untilPhrase(ms, now, tag, tr, timeZone)
  const expired = r.until > 0 && r.until <= now
  const out: ReplyLine[] = []
  switch (r.mode) {
    case 'free':
      if (!r.until) out.push({ text: tr('reply.free'), tone: 'ok' })
      else if (expired) out.push({ text: tr('reply.freeEnded'), tone: 'warn' })
      else out.push({ text: tr('reply.freeUntil', { when: until(r.until) }), tone: 'ok' })
      break
    case 'tagged':
      out.push(expired ? { text: tr('reply.closed'), tone: 'danger' } : { text: tr('reply.tagged', { when: until(r.until) }), tone: 'warn' })
      break
    case 'template':
      out.push({ text: tr('reply.template'), tone: 'warn' })
      break
    case 'closed':
      out.push({ text: tr('reply.closed'), tone: 'danger' })
      break
    case 'awaiting':
      out.push({ text: tr('reply.awaiting'), tone: 'warn' })
      break
  }
  if (r.privateReplyUntil > now) out.push({ text: tr('reply.private', { when: until(r.privateReplyUntil) }), tone: 'ok' })
  return out
}

/**
 * The next instant at which what Go computed goes stale (a clock or window reaches its due
 * instant, a reply window ends): the view reloads the thread then. 0 = none ahead.
 */
export function nextChange(deadlines: Deadline[], reply: ReplyRule, now: number): number {
  const times = [reply.until, reply.privateReplyUntil]
  for (const d of deadlines) if (d.state === 'running' || d.state === 'paused') times.push(d.due)
  return times.filter((t) => t > now).reduce((a, b) => (a === 0 || b < a ? b : a), 0)
}
