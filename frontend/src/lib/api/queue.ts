import * as Q from '../../../wailsjs/go/desktop/QueueService'
import { call } from './call'
import * as n from './normalize'
import type { Filter, Page, Row } from './types'

export async function listQueue(filter: Filter, offset: number, limit: number): Promise<Page> {
  return n.page(await call('QueueService.List', () => Q.List(filter, offset, limit)))
}

export async function assignToMe(id: string): Promise<Row> {
  return n.row(await call('QueueService.AssignToMe', () => Q.AssignToMe(id)))
}

export async function unassign(id: string): Promise<Row> {
  return n.row(await call('QueueService.Unassign', () => Q.Unassign(id)))
}

export async function snooze(id: string, untilMs: number): Promise<Row> {
  return n.row(await call('QueueService.Snooze', () => Q.Snooze(id, untilMs)))
}

export async function resolve(id: string): Promise<Row> {
  return n.row(await call('QueueService.Resolve', () => Q.Resolve(id)))
}

export async function reopen(id: string): Promise<Row> {
  return n.row(await call('QueueService.Reopen', () => Q.Reopen(id)))
}
