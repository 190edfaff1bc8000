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
  snoozeUntil: number
  /** The customer is waiting for a reply. */
  awaiting: boolean
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

export function emptyFilter(): Filter {
  return { platform: '', accountId: '', status: '', visibility: '', assignee: '', tag: '', search: '' }
}

export function emptyCounts(): Counts {
  return { platform: [], account: [], status: [], visibility: [], assignee: [], tag: [] }
}
