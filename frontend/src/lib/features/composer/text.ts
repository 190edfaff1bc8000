// Pure text logic of the composer: the "/" trigger of the template picker, the {{…}} markers a
// reply still carries, fill-in substitution, and keeping an inserted template in step with its
// fill-ins while the agent has not edited it. No runes, no API: unit tests import it directly.

/** The marker syntax Go renders and refuses to send: {{name}} with optional spaces. */
const MARKER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*\}\}/g

/** The variables still written as {{…}} in a text, in order of first appearance, without duplicates. */
export function markers(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(MARKER)) if (!out.includes(m[1])) out.push(m[1])
  return out
}

/**
 * The fill-in a marker stands for: {{field.order}} → "order"; an undotted {{loyalty_tier}} is a
 * custom field Go fills from the same values; the dotted built-ins ({{agent.name}}…) are none.
 */
export function fieldOf(marker: string): string | null {
  if (marker.startsWith('field.')) return marker.slice('field.'.length) || null
  return marker.includes('.') ? null : marker
}

/** Replaces the fill-in markers with the non-empty values given (trimmed, as Go does); other markers stay. */
export function substituteFields(text: string, fields: Record<string, string>): string {
  return text.replace(MARKER, (whole, name: string) => {
    const f = fieldOf(name)
    const v = f === null ? '' : (fields[f] ?? '').trim()
    return v ? v : whole
  })
}

/** A "/query" word the caret is in: where it starts and ends in the text, and what follows the "/". */
export interface SlashToken {
  start: number
  end: number
  query: string
}

/**
 * The "/" word under the caret, if any: a "/" at the start of the text or after whitespace,
 * followed by the characters typed up to the caret (no whitespace). "and/or" or a URL is no trigger.
 */
export function slashToken(text: string, caret: number): SlashToken | null {
  if (caret < 1 || caret > text.length) return null
  let i = caret
  while (i > 0 && !/\s/.test(text[i - 1])) i--
  if (text[i] !== '/') return null
  const query = text.slice(i + 1, caret)
  if (query.includes('/')) return null
  // The word goes on after the caret (editing inside it): replace all of it.
  let end = caret
  while (end < text.length && !/\s/.test(text[end])) end++
  return { start: i, end, query }
}

/** Replaces text[start, end) with insert; returns the new text and the caret after the insert. */
export function replaceRange(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  return { text: text.slice(0, start) + insert + text.slice(end), caret: start + insert.length }
}

/**
 * An inserted template: where its text sits in the composer (`start`, `text` as last filled in)
 * and its rendering with the fill-in markers still in place (`source`), filled in again locally
 * as the agent types the values.
 */
export interface TemplateRegion {
  start: number
  text: string
  source: string
}

/** The template text is still exactly where it was put: the agent has not edited it. */
export function regionIntact(text: string, region: TemplateRegion | null): boolean {
  return !!region && text.slice(region.start, region.start + region.text.length) === region.text
}

/**
 * The composer's text after a fill-in changed. While the inserted template is untouched, its
 * region is filled in again from the source (so a changed value replaces the old one, live). Once
 * the agent edited it, the {{field.x}} markers left in the text are substituted when the value is
 * committed (`commit`: the field lost focus, Enter, or sending), and the region is forgotten.
 */
export function applyFill(
  text: string,
  region: TemplateRegion | null,
  fields: Record<string, string>,
  commit: boolean,
): { text: string; region: TemplateRegion | null } {
  if (region && regionIntact(text, region)) {
    const filled = substituteFields(region.source, fields)
    const next = text.slice(0, region.start) + filled + text.slice(region.start + region.text.length)
    return { text: next, region: { ...region, text: filled } }
  }
  if (!commit) return { text, region: null }
  return { text: substituteFields(text, fields), region: null }
}

/** Finds a restored draft's template text (filled in with its saved values) in the draft. */
export function findRegion(text: string, source: string, fields: Record<string, string>): TemplateRegion | null {
  const filled = substituteFields(source, fields)
  const start = filled ? text.indexOf(filled) : -1
  return start < 0 ? null : { start, text: filled, source }
}
