import * as A from '../../../wailsjs/go/desktop/AppService'
import { call } from './call'
import * as n from './normalize'
import type { Settings, Status } from './types'

export async function getStatus(): Promise<Status> {
  return n.status(await call('AppService.Status', () => A.Status()))
}

export async function startDemo(): Promise<Status> {
  return n.status(await call('AppService.StartDemo', () => A.StartDemo()))
}

export async function getSettings(): Promise<Settings> {
  return n.settings(await call('AppService.Settings', () => A.Settings()))
}

export async function saveSettings(s: Settings): Promise<Settings> {
  return n.settings(await call('AppService.SaveSettings', () => A.SaveSettings(s)))
}
