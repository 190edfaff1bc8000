// Data exchanged with the Go side (package desktop). Hand-written mirrors of the Go JSON so the UI
// never imports generated models. Times are Unix milliseconds, 0 = none. The api layer replaces
// Go's null slices with empty arrays, so these arrays are never null here.

export const PLATFORMS = ['messenger', 'facebook', 'instagram', 'x', 'whatsapp', 'telegram', 'email'] as const
export type Platform = (typeof PLATFORMS)[number]

export type Kind = 'dm' | 'comment' | 'mention' | 'email'
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved'
/** "" is the open queue (open + pending). */
export type StatusFilter = '' | ConversationStatus | 'all'
export type Visibility = '' | 'public' | 'private'
export type AssigneeFilter = '' | 'mine' | 'unassigned'
export type Direction = 'in' | 'out' | 'note'
export type AccountState = 'syncing' | 'online' | 'offline' | 'rate-limited' | 'needs-login' | 'paused'
export type LanguageSetting = 'auto' | 'it' | 'en'
export type ThemeSetting = 'auto' | 'light' | 'dark'

export interface Row {
  id: string
  platform: string
  accountId: string
  accountName: string
  kind: string
  public: boolean
  status: string
  /** 0 low … 3 urgent */
  priority: number
  assignee: string
  tags: string[]
  customerId: string
  customerName: string
  subject: string
  preview: string
  lastAt: number
  dueAt: number
  /**
   * Start of the deadline dueAt belongs to, for the countdown's "under a quarter left" colour.
   * 0 when unknown: Go's Row does not send it yet (dueStart), and only the 15 minutes rule applies.
   */
  dueStart: number
  snoozeUntil: number
  /** The customer is waiting for a reply. */
  awaiting: boolean
  /** A public comment and the private conversation its private reply opened link each other ("" = none). */
  linkedId: string
}

export interface Filter {
  platform: string
  accountId: string
  status: StatusFilter
  visibility: Visibility
  assignee: AssigneeFilter
  tag: string
  search: string
}

export interface Count {
  value: string
  count: number
}

export interface Counts {
  platform: Count[]
  account: Count[]
  status: Count[]
  visibility: Count[]
  assignee: Count[]
  tag: Count[]
}

export interface Page {
  rows: Row[]
  total: number
  offset: number
  counts: Counts
}

export interface Attachment {
  type: string
  name: string
  size: number
}

export interface Message {
  id: string
  direction: Direction
  author: string
  text: string
  at: number
  attachments: Attachment[]
}

export interface Identity {
  platform: string
  handle: string
  displayName: string
}

export interface Customer {
  id: string
  name: string
  language: string
  identities: Identity[]
  conversations: Row[]
}

export interface Thread {
  conversation: Row
  messages: Message[]
  customer: Customer
  /** Every SLA metric and platform reply window of the conversation, with its state. */
  deadlines: Deadline[]
  /** What the platform lets the agent send now. */
  reply: ReplyRule
}

export const DEADLINE_KEYS = ['first_response', 'next_response', 'resolution', 'reply_window', 'human_agent', 'private_reply'] as const
export type DeadlineKey = (typeof DEADLINE_KEYS)[number]
/** paused = running, but outside business hours (the clock is stopped). */
export type DeadlineState = 'running' | 'paused' | 'met' | 'breached'

export interface Deadline {
  key: DeadlineKey
  /** A platform reply window rather than an SLA target. */
  window: boolean
  state: DeadlineState
  start: number
  warn: number
  due: number
  /** When it was met (or answered late). */
  done: number
  /** The SLA target in business minutes (0 for windows). */
  targetMinutes: number
}

/** free: any reply; tagged: only HUMAN_AGENT-tagged human replies; template: only approved templates; closed: nothing. */
export type ReplyMode = 'free' | 'tagged' | 'template' | 'closed' | 'awaiting'

export interface ReplyRule {
  mode: ReplyMode
  until: number
  /** Set while a public comment can still get its one private reply. */
  privateReplyUntil: number
}

export interface AccountStatus {
  id: string
  platform: string
  name: string
  demo: boolean
  state: AccountState
  error: string
  lastSync: number
}

export interface Status {
  version: string
  dataDir: string
  demo: boolean
  diskLow: boolean
  diskFree: number
  accounts: AccountStatus[]
}

export interface Settings {
  language: LanguageSetting
  /** e.g. it-IT, detected by the Go side from the OS. */
  osLocale: string
  agentName: string
  theme: ThemeSetting
}

export interface QueueChanged {
  ids: string[]
}

export const SLA_CLASSES = ['messaging', 'public', 'email'] as const
export type SlaClass = (typeof SLA_CLASSES)[number]
export type CalendarChoice = 'always' | 'business'

/** SLA targets in minutes (0 = none). */
export interface Targets {
  firstResponse: number
  nextResponse: number
  resolution: number
}

export interface ClassPolicy {
  class: SlaClass
  calendar: CalendarChoice
  /** 4 entries: low, normal, high, urgent. */
  targets: Targets[]
}

/** An opening interval in minutes after local midnight (end may be 1440). */
export interface Span {
  start: number
  end: number
}

export interface BusinessCalendar {
  timeZone: string
  alwaysOpen: boolean
  /** 7 days, Sunday first. */
  week: Span[][]
  italianHolidays: boolean
  /** YYYY-MM-DD */
  holidays: string[]
}

export interface Policy {
  classes: ClassPolicy[]
  business: BusinessCalendar
  warnPercent: number
  windowWarnMinutes: number
  /** Read-only: the OS's time zone. */
  osTimeZone: string
}

export interface NotifySettings {
  native: boolean
  dnd: boolean
  quiet: boolean
  /** Minutes after local midnight; the quiet period may wrap midnight. */
  quietStart: number
  quietEnd: number
}

export type NoticeLevel = 'warning' | 'breach'

/** An entry of the in-app notification list. */
export interface Notice {
  id: string
  at: number
  level: NoticeLevel
  title: string
  body: string
  convIds: string[]
  /** "shown", "silenced", "failed: <reason>", or "" while the OS has not answered yet. */
  os: string
  read: boolean
}

export function emptyFilter(): Filter {
  return { platform: '', accountId: '', status: '', visibility: '', assignee: '', tag: '', search: '' }
}

export function emptyCounts(): Counts {
  return { platform: [], account: [], status: [], visibility: [], assignee: [], tag: [] }
}
