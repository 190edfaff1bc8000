// The template editor's form: to and from the API's Template, checks before Go sees it (Go checks
// again and its refusals are shown as they are), and the manager's list filter.
import { PLATFORMS } from '../../api/types'
import type { Template, TemplateLang } from '../../api/composer'
import type { MessageKey, Vars } from '../../i18n'
import { markers } from '../composer/text'

/** The variables every template may use, for the editor's help line. */
export const VARIABLES = ['customer.first_name', 'customer.name', 'agent.name', 'account.name', 'conversation.platform'] as const

export interface FieldRow {
  name: string
  label: string
  required: boolean
}

export interface VariantRow {
  platform: string
  body: string
}

export interface TemplateForm {
  id: string
  name: string
  shortcut: string
  lang: TemplateLang
  /** Comma-separated. */
  tags: string
  body: string
  fields: FieldRow[]
  variants: VariantRow[]
  uses: number
}

export function emptyForm(lang: TemplateLang): TemplateForm {
  return { id: '', name: '', shortcut: '', lang, tags: '', body: '', fields: [], variants: [], uses: 0 }
}

export function toForm(t: Template, fallbackLang: TemplateLang): TemplateForm {
  return {
    id: t.id,
    name: t.name,
    shortcut: t.shortcut,
    lang: t.lang || fallbackLang,
    tags: t.tags.join(', '),
    body: t.body,
    fields: t.fields.map((f) => ({ ...f })),
    variants: Object.entries(t.variants)
      .map(([platform, body]) => ({ platform, body }))
      .sort((a, b) => PLATFORMS.indexOf(a.platform as never) - PLATFORMS.indexOf(b.platform as never)),
    uses: t.uses,
  }
}

export interface FormError {
  key: MessageKey
  vars?: Vars
}

export type FormResult = { ok: true; value: Template } | { ok: false; error: FormError }

const FIELD_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

export function parseTags(s: string): string[] {
  const out: string[] = []
  for (const raw of s.split(',')) {
    const t = raw.trim().replace(/^#/, '')
    if (t && !out.includes(t)) out.push(t)
  }
  return out
}

/** The form as a Template to save, or the first thing to fix. */
export function fromForm(f: TemplateForm): FormResult {
  const fail = (key: MessageKey, vars?: Vars): FormResult => ({ ok: false, error: { key, vars } })
  const name = f.name.trim()
  if (!name) return fail('templates.err.name')
  const shortcut = f.shortcut.trim().replace(/^\//, '').toLowerCase()
  if (/\s/.test(shortcut)) return fail('templates.err.shortcut')
  if (!f.body.trim()) return fail('templates.err.body')
  const fields: Template['fields'] = []
  for (const row of f.fields) {
    const n = row.name.trim()
    if (!n && !row.label.trim()) continue
    if (!FIELD_NAME.test(n)) return fail('templates.err.fieldName', { name: n || '…' })
    if (fields.some((x) => x.name === n)) return fail('templates.err.fieldDup', { name: n })
    fields.push({ name: n, label: row.label.trim() || n, required: row.required })
  }
  const variants: Record<string, string> = {}
  for (const v of f.variants) {
    if (!v.platform) continue
    if (v.platform in variants) return fail('templates.err.variantDup', { platform: v.platform })
    if (!v.body.trim()) return fail('templates.err.variantBody', { platform: v.platform })
    variants[v.platform] = v.body
  }
  return {
    ok: true,
    value: { id: f.id, name, shortcut, body: f.body, fields, variants, lang: f.lang, tags: parseTags(f.tags), uses: f.uses },
  }
}

/** {{field.x}} used in the body or a variant but not declared as a fill-in: offered to add. */
export function undeclaredFields(f: TemplateForm): string[] {
  const declared = new Set(f.fields.map((x) => x.name.trim()))
  const out: string[] = []
  for (const text of [f.body, ...f.variants.map((v) => v.body)]) {
    for (const m of markers(text)) {
      if (!m.startsWith('field.')) continue
      const n = m.slice('field.'.length)
      if (n && !declared.has(n) && !out.includes(n)) out.push(n)
    }
  }
  return out
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()

/** The manager's search: every word must appear in the name, shortcut, tags or body. */
export function filterTemplates(list: Template[], query: string): Template[] {
  const words = fold(query).split(/\s+/).filter(Boolean)
  if (!words.length) return list
  return list.filter((t) => {
    const hay = fold([t.name, '/' + t.shortcut, t.tags.join(' '), t.body].join(' '))
    return words.every((w) => hay.includes(w))
  })
}

/** Platforms that can still get a variant. */
export function freePlatforms(f: TemplateForm): string[] {
  return PLATFORMS.filter((p) => !f.variants.some((v) => v.platform === p))
}
