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
export { EVENTS, onQueueChanged, onAppStatus, onNotice, type Unsubscribe } from './events'
