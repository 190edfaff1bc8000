// The UI's only door to the Go side. Every function throws an Error with the Go message on failure.
export * from './types'
export { ApiError, errorMessage } from './call'
export { listQueue, assignToMe, unassign, snooze, resolve, reopen } from './queue'
export { openThread, addNote } from './conversation'
export { getStatus, startDemo, getSettings, saveSettings } from './app'
export { EVENTS, onQueueChanged, onAppStatus, type Unsubscribe } from './events'
