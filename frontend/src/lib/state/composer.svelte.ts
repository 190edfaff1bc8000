// The reply being written in the open conversation: its text, the template and fill-ins in use,
// the platform's count, the "/" picker, the warnings to confirm, and its draft — saved as the agent
// types and kept when the conversation view is left (the state outlives the component).
import {
  NEEDS_CONFIRMATION,
  checkReply,
  countText,
  errorMessage,
  getDraft,
  listTemplates,
  renderTemplate,
  saveDraft,
  searchTemplates,
  sendReply,
  type SendRequest,
  type SendWarnings,
  type Template,
} from '../api'
import { DraftSaver, type DraftData, type SaveState } from '../features/composer/draftSaver'
import { closedPicker, pickerDismiss, pickerInput, pickerMove, pickerResults, pickerCurrent, type PickerState } from '../features/composer/picker'
import { applyFill, findRegion, replaceRange, type TemplateRegion } from '../features/composer/text'
import { drafts } from './drafts.svelte'
import { outbox } from './outbox.svelte'

/** How long after the last keystroke the draft is saved (the issue allows at most a second). */
const DRAFT_DELAY = 500
/** How long after the last keystroke the platform's count is asked for. */
const COUNT_DELAY = 150

interface Snapshot extends DraftData {
  template: Template | null
  region: TemplateRegion | null
}

class ComposerState {
  convId = $state<string | null>(null)
  text = $state('')
  template = $state.raw<Template | null>(null)
  values = $state.raw<Record<string, string>>({})
  /** The inserted template's text while the agent has not edited it. */
  region = $state.raw<TemplateRegion | null>(null)
  /** Null until the first count of this conversation arrives. */
  length = $state<number | null>(null)
  limit = $state(0)
  picker = $state.raw<PickerState>(closedPicker)
  pickerError = $state('')
  warnings = $state.raw<SendWarnings | null>(null)
  sending = $state(false)
  error = $state('')
  saveState = $state<SaveState>('idle')
  /** The draft of this conversation is being read. */
  restoring = $state(false)
  /** Reply or internal note: the composer's two modes. */
  mode = $state<'reply' | 'note'>('reply')
  /** Bumped to ask the reply box for the focus (the `r` shortcut, "Edit" on a warning). */
  focusSeq = $state(0)
  /** Bumped when a reply was queued, so the thread scrolls to it. */
  sentSeq = $state(0)
  /** The template manager dialog. */
  templatesOpen = $state(false)

  #cache = new Map<string, Snapshot>()
  #templates = new Map<string, Template>()
  #dirty = false
  #countTimer: ReturnType<typeof setTimeout> | null = null
  #countSeq = 0
  #searchSeq = 0
  /** The last "/" search, which a quick Enter waits for. */
  #pending: Promise<void> = Promise.resolve()
  #saver = new DraftSaver(
    (d) => saveDraft(d),
    DRAFT_DELAY,
    (state, convId) => {
      if (convId === this.convId) this.saveState = state
      if (state === 'saved') drafts.refresh()
    },
  )

  /** Shows the composer of a conversation: the current one's draft is flushed, the new one's restored. */
  attach(convId: string | null): void {
    if (convId === this.convId) return
    this.#remember()
    void this.#saver.flush()
    this.#clear()
    this.convId = convId
    this.mode = 'reply'
    this.saveState = 'idle'
    if (!convId) return
    const cached = this.#cache.get(convId)
    if (cached) {
      this.#restore(cached)
      return
    }
    void this.#load(convId)
  }

  /** Saves what is pending now (leaving the conversation view, closing the window). */
  flush(): Promise<void> {
    this.#remember()
    return this.#saver.flush()
  }

  async #load(convId: string): Promise<void> {
    this.restoring = true
    this.#dirty = false
    try {
      // A save of this very draft may still be under way (switching back quickly).
      await this.#saver.flush()
      const d = await getDraft(convId)
      if (this.convId !== convId || this.#dirty) return
      let template: Template | null = null
      let region: TemplateRegion | null = null
      if (d.templateId) {
        template = await this.#template(d.templateId)
        if (template) {
          const r = await renderTemplate(convId, template.id, {}).catch(() => null)
          if (r) region = findRegion(d.text, r.text, d.fields)
        }
        if (this.convId !== convId || this.#dirty) return
      }
      this.#restore({ convId, text: d.text, templateId: template?.id ?? '', fields: d.fields, template, region })
    } catch {
      // No draft to show; what the agent types is saved as usual.
      if (this.convId === convId) this.#count()
    } finally {
      if (this.convId === convId) this.restoring = false
    }
  }

  async #template(id: string): Promise<Template | null> {
    const known = this.#templates.get(id)
    if (known) return known
    try {
      for (const t of await listTemplates()) this.#templates.set(t.id, t)
    } catch {
      return null
    }
    return this.#templates.get(id) ?? null
  }

  /** The template library changed (manager): fill-in fields shown come from the saved version. */
  templatesChanged(list: Template[]): void {
    this.#templates.clear()
    for (const t of list) this.#templates.set(t.id, t)
    if (this.template) this.template = this.#templates.get(this.template.id) ?? this.template
  }

  #restore(s: Snapshot): void {
    this.text = s.text
    this.values = { ...s.fields }
    this.template = s.template
    this.region = s.region
    this.#count()
  }

  #remember(): void {
    const id = this.convId
    if (!id) return
    if (!this.text && !this.template) this.#cache.delete(id)
    else
      this.#cache.set(id, {
        convId: id,
        text: this.text,
        templateId: this.template?.id ?? '',
        fields: { ...this.values },
        template: this.template,
        region: this.region,
      })
  }

  #clear(): void {
    if (this.#countTimer) clearTimeout(this.#countTimer)
    this.#countSeq++
    this.#searchSeq++
    this.text = ''
    this.template = null
    this.values = {}
    this.region = null
    this.length = null
    this.limit = 0
    this.picker = closedPicker
    this.pickerError = ''
    this.warnings = null
    this.error = ''
    this.restoring = false
    this.#dirty = false
  }

  #data(): DraftData {
    return { convId: this.convId ?? '', text: this.text, templateId: this.template?.id ?? '', fields: { ...this.values } }
  }

  /**
   * Anything typed or filled in: save the draft soon, count again (`now`: at once, for a template
   * inserted or filled in; typing is counted once it pauses), drop stale warnings.
   */
  #changed(now = false): void {
    if (!this.convId) return
    this.#dirty = true
    this.warnings = null
    this.error = ''
    this.#saver.schedule(this.#data())
    this.#remember()
    if (this.#countTimer) clearTimeout(this.#countTimer)
    this.#countTimer = null
    if (now) this.#count()
    else this.#countTimer = setTimeout(() => this.#count(), COUNT_DELAY)
  }

  #count(): void {
    const id = this.convId
    const text = this.text
    if (!id) return
    const seq = ++this.#countSeq
    countText(id, text)
      .then((c) => {
        if (seq !== this.#countSeq || this.convId !== id) return
        this.length = c.length
        this.limit = c.limit
      })
      .catch(() => {
        // The counter keeps its last value; Go refuses an over-long reply anyway.
      })
  }

  /** The textarea changed (typing, pasting); `caret` drives the "/" picker. */
  input(text: string, caret: number): void {
    if (text !== this.text) {
      this.text = text
      this.#changed()
    }
    this.caret(caret)
  }

  /** The caret moved: the picker opens on a "/" word and searches what follows it. */
  caret(caret: number): void {
    const { state, search } = pickerInput(this.picker, this.text, caret)
    this.picker = state
    if (search) this.#pending = this.#search(state.query)
  }

  async #search(query: string): Promise<void> {
    const seq = ++this.#searchSeq
    try {
      const items = await searchTemplates(query, '')
      if (seq !== this.#searchSeq) return
      for (const t of items) this.#templates.set(t.id, t)
      this.pickerError = ''
      this.picker = pickerResults(this.picker, query, items)
    } catch (e) {
      if (seq !== this.#searchSeq) return
      this.pickerError = errorMessage(e)
      this.picker = pickerResults(this.picker, query, [])
    }
  }

  movePicker(delta: number): void {
    this.picker = pickerMove(this.picker, delta)
  }

  closePicker(): void {
    this.picker = pickerDismiss(this.picker)
  }

  /** Enter or Tab in the picker: the highlighted template, once the results for what was typed are in. */
  async pickHighlighted(): Promise<number | null> {
    if (this.picker.open && !this.picker.loaded) await this.#pending
    return this.pick()
  }

  /**
   * Inserts a template rendered for this conversation in place of the "/" word, and shows its
   * fill-ins. Returns where the caret goes, or null when nothing was inserted.
   */
  async pick(t: Template | null = pickerCurrent(this.picker)): Promise<number | null> {
    const id = this.convId
    if (!t || !id) return null
    const p = this.picker
    this.picker = closedPicker
    this.#searchSeq++
    let rendered: string
    try {
      rendered = (await renderTemplate(id, t.id, {})).text
    } catch (e) {
      this.error = errorMessage(e)
      return null
    }
    if (this.convId !== id) return null
    // The "/" word is normally still there; if the agent typed on meanwhile, append.
    const word = this.text.slice(p.start, p.end)
    const [start, end] = p.open && word.startsWith('/') ? [p.start, p.end] : [this.text.length, this.text.length]
    const sep = start > 0 && !/\s/.test(this.text[start - 1]) ? ' ' : ''
    const at = start + sep.length
    const r = replaceRange(this.text, start, end, sep + rendered)
    this.template = t
    this.values = {}
    this.region = { start: at, text: rendered, source: rendered }
    this.text = r.text
    this.#changed(true)
    return r.caret
  }

  /** A fill-in changed; `commit` when the agent is done with it (blur, Enter, sending). */
  setField(name: string, value: string, commit = false): void {
    this.values = { ...this.values, [name]: value }
    const r = applyFill(this.text, this.region, this.values, commit)
    this.region = r.region
    const moved = r.text !== this.text
    this.text = r.text
    this.#changed(moved)
  }

  /** Puts the values of the fill-ins into an edited text (its {{field.x}} markers). */
  commitFields(): void {
    if (!this.template) return
    const r = applyFill(this.text, this.region, this.values, true)
    this.region = r.region
    if (r.text !== this.text) {
      this.text = r.text
      this.#changed(true)
    }
  }

  /** Stops using the template (its fill-ins go); the text stays as it is. */
  dropTemplate(): void {
    this.template = null
    this.values = {}
    this.region = null
    this.#changed()
  }

  dismissWarnings(): void {
    this.warnings = null
    this.focusSeq++
  }

  focusReply(): void {
    this.mode = 'reply'
    this.focusSeq++
  }

  /**
   * Sends the reply. Without `confirmed`, a template reply is checked first and Check's warnings
   * are shown instead of sending. Returns true once the reply is in the outbox.
   */
  async send(confirmed = false): Promise<boolean> {
    const id = this.convId
    if (!id || this.sending) return false
    const req: SendRequest = {
      convId: id,
      text: this.text,
      templateId: this.template?.id ?? '',
      fields: { ...this.values },
      confirmed,
    }
    this.sending = true
    this.error = ''
    try {
      if (!confirmed && req.templateId) {
        const w = await checkReply(req)
        if (this.convId !== id) return false
        if (w.verbatim || w.alreadySent) {
          this.warnings = w
          return false
        }
      }
      // The pending draft must not come back after Send deleted it.
      await this.#saver.cancel(id)
      const item = await sendReply(req)
      this.#cache.delete(id)
      if (this.convId === id) {
        this.#clear()
        this.saveState = 'idle'
        this.#count()
      }
      outbox.receive(item)
      this.sentSeq++
      drafts.refresh()
      return true
    } catch (e) {
      const msg = errorMessage(e)
      if (this.convId === id) {
        if (msg === NEEDS_CONFIRMATION) this.warnings = await checkReply(req).catch(() => ({ verbatim: true, alreadySent: false }))
        else this.error = msg
        // Still here: keep it as the draft.
        this.#saver.schedule(this.#data())
      }
      return false
    } finally {
      this.sending = false
    }
  }
}

export const composer = new ComposerState()

if (typeof window !== 'undefined') {
  // Closing or reloading the window: save what is pending (best effort).
  window.addEventListener('pagehide', () => void composer.flush())
}
