// The UI's only door to the Go side. Every function throws an Error with the Go message on failure.
export * from './types'
export { ApiError, errorMessage } from './call'
export { listQueue, assignToMe, unassign, snooze, resolve, reopen } from './queue'
export { openThread, addNote } from './conversation'
export { getStatus, startDemo, getSettings, saveSettings } from './app'
export {
  getPolicy,
  getDefaultPolicy,
  savePolicy,
  listNotices,
  markNoticesRead,
  getNotifySettings,
  saveNotifySettings,
  testNotification,
} from './sla'
export {
  getStatsToday,
  getStatsReport,
  exportStats,
  exportStatsWithDialog,
  type StatsReport,
  type StatsFigures,
  type StatsGroup,
  type StatsDurations,
  type StatsExport,
  type StatsBin,
  type ExportFormat,
  type SlaMetric,
} from './stats'
export { listAccounts, testAccount, addAccount, removeAccount, type Account, type AccountForm, type AccountCheck } from './accounts'
export { privateReply, type PrivateReplyRequest, type PrivateReplyResult } from './privateReply'
export {
  searchTemplates,
  listTemplates,
  saveTemplate,
  deleteTemplate,
  exportTemplates,
  importTemplates,
  renderTemplate,
  countText,
  getDraft,
  saveDraft,
  listDrafts,
  checkReply,
  sendReply,
  listOutbox,
  retryReply,
  markReplySent,
  NEEDS_CONFIRMATION,
  OUT_STATES,
  type Template,
  type TemplateField,
  type TemplateLang,
  type Rendered,
  type TextLength,
  type Draft,
  type SendRequest,
  type SendWarnings,
  type OutItem,
  type OutState,
} from './composer'
export { EVENTS, onQueueChanged, onAppStatus, onNotice, onOutboxChanged, type Unsubscribe } from './events'
