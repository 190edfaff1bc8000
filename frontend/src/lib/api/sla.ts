import * as S from '../../../wailsjs/go/desktop/SLAService'
import { desktop } from '../../../wailsjs/go/models'
import { call } from './call'
import * as n from './normalize'
import type { Notice, NotifySettings, Policy } from './types'

export async function getPolicy(): Promise<Policy> {
  return n.policy(await call('SLAService.Policy', () => S.Policy()))
}

/** The documented defaults (not saved). */
export async function getDefaultPolicy(): Promise<Policy> {
  return n.policy(await call('SLAService.DefaultPolicy', () => S.DefaultPolicy()))
}

/** Validates, saves and applies a policy; a rejection carries Go's explanation. */
export async function savePolicy(p: Policy): Promise<Policy> {
  return n.policy(await call('SLAService.SavePolicy', () => S.SavePolicy(desktop.Policy.createFrom(p))))
}

/** The newest in-app notifications first. */
export async function listNotices(limit: number): Promise<Notice[]> {
  const list = await call('SLAService.Notices', () => S.Notices(limit))
  return (Array.isArray(list) ? list : []).map(n.notice)
}

export async function markNoticesRead(): Promise<void> {
  await call('SLAService.MarkNoticesRead', () => S.MarkNoticesRead())
}

export async function getNotifySettings(): Promise<NotifySettings> {
  return n.notifySettings(await call('SLAService.NotifySettings', () => S.NotifySettings()))
}

export async function saveNotifySettings(s: NotifySettings): Promise<NotifySettings> {
  return n.notifySettings(await call('SLAService.SaveNotifySettings', () => S.SaveNotifySettings(desktop.NotifySettings.createFrom(s))))
}

/** Shows a native notification now; rejects with the OS's reason when it refuses. */
export async function testNotification(): Promise<void> {
  await call('SLAService.TestNotification', () => S.TestNotification())
}
