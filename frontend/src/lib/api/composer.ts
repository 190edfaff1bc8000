// The reply composer (Go: app/desktop ComposerService): templates, rendering, the platform's
// counter, drafts, sending with its warnings, and the outbox with each reply's state.
import * as C from '../../../wailsjs/go/desktop/ComposerService'
import { desktop } from '../../../wailsjs/go/models'
import { call } from './call'

export type TemplateLang = 'it' | 'en'

/** A fill-in the agent completes before sending ({{field.<name>}}). */
export interface TemplateField {
  name: string
  label: string
  required: boolean
}

export interface Template {
  id: string
  name: string
  shortcut: string
  body: string
  fields: TemplateField[]
  /** platform → body used on that platform instead of `body`. */
  variants: Record<string, string>
  lang: TemplateLang | ''
  tags: string[]
  uses: number
}

/** A template filled for a conversation; missing lists variables and required fields without a value. */
export interface Rendered {
  text: string
  /** e.g. "field.order", "customer.first_name" */
  missing: string[]
}

/** A text counted as the conversation's platform counts it; limit 0 = none. */
export interface TextLength {
  length: number
  limit: number
}

export interface Draft {
  convId: string
  text: string
  templateId: string
  fields: Record<string, string>
  updated: number
  /** Set by Drafts() only. */
  customerName: string
  platform: string
}

export interface SendRequest {
  convId: string
  text: string
  templateId: string
  fields: Record<string, string>
  /** The agent saw Check's warnings and sends anyway. */
  confirmed: boolean
}

export interface SendWarnings {
  /** The text is the template word for word. */
  verbatim: boolean
  /** This template already went to this customer. */
  alreadySent: boolean
}

export const OUT_STATES = ['queued', 'sending', 'sent', 'failed', 'needs-check'] as const
export type OutState = (typeof OUT_STATES)[number]

/** An outgoing reply and where it stands. */
export interface OutItem {
  id: string
  convId: string
  text: string
  state: OutState
  err: string
  attempts: number
  created: number
  sentAt: number
  next: number
  platformId: string
}

/** Go's exact refusal when Check has warnings and the request was not confirmed. */
export const NEEDS_CONFIRMATION = 'the reply needs a personal touch: confirm to send it as it is'

/* eslint-disable @typescript-eslint/no-explicit-any */
type Wire = any

const arr = <T>(v: T[] | null | undefined): T[] => (Array.isArray(v) ? v : [])
const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v))
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

function record(v: Wire): Record<string, string> {
  const out: Record<string, string> = {}
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out[k] = str(x)
  return out
}

export function template(t: Wire): Template {
  const lang = str(t?.lang)
  return {
    id: str(t?.id),
    name: str(t?.name),
    shortcut: str(t?.shortcut),
    body: str(t?.body),
    fields: arr<Wire>(t?.fields).map((f) => ({ name: str(f?.name), label: str(f?.label), required: !!f?.required })),
    variants: record(t?.variants),
    lang: lang === 'it' || lang === 'en' ? lang : '',
    tags: arr<Wire>(t?.tags).map(str),
    uses: num(t?.uses),
  }
}

export function draft(d: Wire): Draft {
  return {
    convId: str(d?.convId),
    text: str(d?.text),
    templateId: str(d?.templateId),
    fields: record(d?.fields),
    updated: num(d?.updated),
    customerName: str(d?.customerName),
    platform: str(d?.platform),
  }
}

export function outItem(o: Wire): OutItem {
  const state = str(o?.state) as OutState
  return {
    id: str(o?.id),
    convId: str(o?.convId),
    text: str(o?.text),
    state: OUT_STATES.includes(state) ? state : 'queued',
    err: str(o?.err),
    attempts: num(o?.attempts),
    created: num(o?.created),
    sentAt: num(o?.sentAt),
    next: num(o?.next),
    platformId: str(o?.platformId),
  }
}

const templates = (v: Wire): Template[] => arr<Wire>(v).map(template)

/** Fuzzy search over shortcut, name and body, best first; lang "" = any language. */
export async function searchTemplates(query: string, lang: TemplateLang | '' = ''): Promise<Template[]> {
  return templates(await call('ComposerService.SearchTemplates', () => C.SearchTemplates(query, lang)))
}

/** Every template, most used first. */
export async function listTemplates(): Promise<Template[]> {
  return templates(await call('ComposerService.Templates', () => C.Templates()))
}

/** Creates (id "") or updates a template; rejects with what to fix. */
export async function saveTemplate(t: Template): Promise<Template> {
  return template(await call('ComposerService.SaveTemplate', () => C.SaveTemplate(desktop.Template.createFrom(t))))
}

export async function deleteTemplate(id: string): Promise<void> {
  await call('ComposerService.DeleteTemplate', () => C.DeleteTemplate(id))
}

/** Native save dialog; the path written, "" when the agent cancelled. */
export async function exportTemplates(): Promise<string> {
  return str(await call('ComposerService.ExportTemplates', () => C.ExportTemplates()))
}

/** Native open dialog; how many templates were added (0 also when cancelled). */
export async function importTemplates(): Promise<number> {
  return num(await call('ComposerService.ImportTemplates', () => C.ImportTemplates()))
}

export async function renderTemplate(convId: string, templateId: string, fields: Record<string, string>): Promise<Rendered> {
  const r = await call('ComposerService.Render', () => C.Render(convId, templateId, fields))
  return { text: str(r?.text), missing: arr<Wire>(r?.missing).map(str) }
}

export async function countText(convId: string, text: string): Promise<TextLength> {
  const r = await call('ComposerService.Count', () => C.Count(convId, text))
  return { length: num(r?.length), limit: num(r?.limit) }
}

export async function getDraft(convId: string): Promise<Draft> {
  return draft(await call('ComposerService.Draft', () => C.Draft(convId)))
}

/** Stores the draft; an empty text without a template deletes it. */
export async function saveDraft(d: Pick<Draft, 'convId' | 'text' | 'templateId' | 'fields'>): Promise<void> {
  const wire = { convId: d.convId, text: d.text, templateId: d.templateId, fields: d.fields, updated: 0, customerName: '', platform: '' }
  await call('ComposerService.SaveDraft', () => C.SaveDraft(desktop.Draft.createFrom(wire)))
}

/** The open drafts, newest first, with their customer and platform. */
export async function listDrafts(): Promise<Draft[]> {
  return arr<Wire>(await call('ComposerService.Drafts', () => C.Drafts())).map(draft)
}

export async function checkReply(req: SendRequest): Promise<SendWarnings> {
  const w = await call('ComposerService.Check', () => C.Check(desktop.SendRequest.createFrom(req)))
  return { verbatim: !!w?.verbatim, alreadySent: !!w?.alreadySent }
}

/** Queues a reply; rejects with Go's reason (unfilled names, closed window, NEEDS_CONFIRMATION…). */
export async function sendReply(req: SendRequest): Promise<OutItem> {
  return outItem(await call('ComposerService.Send', () => C.Send(desktop.SendRequest.createFrom(req))))
}

/** A conversation's outgoing replies in send order, sent ones included. */
export async function listOutbox(convId: string): Promise<OutItem[]> {
  return arr<Wire>(await call('ComposerService.Outbox', () => C.Outbox(convId))).map(outItem)
}

/** Sends a failed or to-be-checked reply again; text "" keeps it. */
export async function retryReply(id: string, text = ''): Promise<OutItem> {
  return outItem(await call('ComposerService.Retry', () => C.Retry(id, text)))
}

/** The agent saw on the platform that a to-be-checked reply went out. */
export async function markReplySent(id: string): Promise<OutItem> {
  return outItem(await call('ComposerService.MarkSent', () => C.MarkSent(id)))
}
