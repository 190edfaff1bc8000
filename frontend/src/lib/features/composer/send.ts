// Pure rules of the composer: the counter's text and tone, why Send is disabled (named, so the
// agent knows what to fix), the reply window's rule for the composer, and the warnings to confirm.
import type { ReplyRule } from '../../api/types'
import type { TemplateField } from '../../api/composer'
import type { Translate } from '../../i18n'
import { fieldOf, markers } from './text'

export interface Counter {
  /** "123 / 280", or "123" when the platform sets no limit. */
  text: string
  over: boolean
  /** At least 90% of the limit used. */
  near: boolean
}

export function formatCounter(length: number, limit: number, tag: string): Counter {
  const n = (x: number) => x.toLocaleString(tag)
  if (limit <= 0) return { text: n(length), over: false, near: false }
  return { text: `${n(length)} / ${n(limit)}`, over: length > limit, near: length <= limit && length >= limit * 0.9 }
}

/** Something the reply still needs: a template fill-in (by its label) or a {{variable}} left in the text. */
export interface Unfilled {
  /** "field.order", "customer.first_name" */
  name: string
  /** What the agent reads: the field's label, else "{{name}}". */
  label: string
}

/**
 * Everything to fill in before sending, in order: the {{…}} markers left in the text, then the
 * required fill-ins of the template without a value (as Go's Send refuses them).
 */
export function unfilled(text: string, fields: TemplateField[], values: Record<string, string>): Unfilled[] {
  const out: Unfilled[] = []
  const labelOf = (name: string) => {
    const key = fieldOf(name)
    const f = key === null ? undefined : fields.find((x) => x.name === key)
    return f ? f.label || f.name : `{{${name}}}`
  }
  for (const name of markers(text)) out.push({ name, label: labelOf(name) })
  for (const f of fields) {
    const name = `field.${f.name}`
    const listed = out.some((u) => fieldOf(u.name) === f.name)
    if (f.required && !(values[f.name] ?? '').trim() && !listed) out.push({ name, label: labelOf(name) })
  }
  return out
}

/** The rule of the reply window as far as the composer is concerned. */
export type WindowRule =
  | { kind: 'free' }
  /** Only a HUMAN_AGENT-tagged reply by a person, until `until`. */
  | { kind: 'tagged'; until: number }
  /** Nothing the composer can send: WhatsApp templates only, the window closed, or
   *  a private reply waiting for the customer's answer. */
  | { kind: 'blocked'; reason: BlockReason }

export type BlockReason = 'template' | 'closed' | 'awaiting'

export function windowRule(r: ReplyRule, now: number): WindowRule {
  switch (r.mode) {
    case 'tagged':
      return r.until > 0 && r.until <= now ? { kind: 'blocked', reason: 'closed' } : { kind: 'tagged', until: r.until }
    case 'template':
      return { kind: 'blocked', reason: 'template' }
    case 'closed':
    case 'awaiting':
      return { kind: 'blocked', reason: r.mode }
    default:
      return { kind: 'free' }
  }
}

export type Blocker =
  | { kind: 'empty' }
  | { kind: 'window'; reason: BlockReason }
  | { kind: 'tooLong'; length: number; limit: number }
  | { kind: 'unfilled'; items: Unfilled[] }

export interface SendState {
  text: string
  /** From Count; null while the count of the current text is not known yet. */
  length: number | null
  limit: number
  fields: TemplateField[]
  values: Record<string, string>
  rule: WindowRule
}

/** Why Send is disabled, most important first; [] = it can be sent. */
export function sendBlockers(s: SendState): Blocker[] {
  const out: Blocker[] = []
  if (s.rule.kind === 'blocked') out.push({ kind: 'window', reason: s.rule.reason })
  if (!s.text.trim()) {
    out.push({ kind: 'empty' })
    return out
  }
  const todo = unfilled(s.text, s.fields, s.values)
  if (todo.length) out.push({ kind: 'unfilled', items: todo })
  if (s.length !== null && s.limit > 0 && s.length > s.limit) out.push({ kind: 'tooLong', length: s.length, limit: s.limit })
  return out
}

/** The sentence shown for a blocker. */
export function blockerText(b: Blocker, tr: Translate, tag: string): string {
  switch (b.kind) {
    case 'empty':
      return tr('composer.block.empty')
    case 'window':
      return tr(`composer.block.${b.reason}`)
    case 'tooLong':
      return tr('composer.block.tooLong', { over: (b.length - b.limit).toLocaleString(tag), limit: b.limit.toLocaleString(tag) })
    case 'unfilled':
      return tr('composer.block.unfilled', { names: b.items.map((u) => u.label).join(', ') })
  }
}

/** The warnings Check found, as the sentences the agent confirms or fixes. */
export function warningKeys(w: { verbatim: boolean; alreadySent: boolean }): ('composer.warn.verbatim' | 'composer.warn.alreadySent')[] {
  const out: ('composer.warn.verbatim' | 'composer.warn.alreadySent')[] = []
  if (w.verbatim) out.push('composer.warn.verbatim')
  if (w.alreadySent) out.push('composer.warn.alreadySent')
  return out
}

/** Go's "fill in before sending: field.order, agent.name" → the names, else null. */
export function parseUnfilledError(message: string): string[] | null {
  const m = /fill in before sending:\s*(.+)$/i.exec(message)
  return m ? m[1].split(',').map((x) => x.trim()).filter(Boolean) : null
}
