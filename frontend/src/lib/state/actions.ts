// Queue actions shared by buttons and shortcuts: call Go, tell the agent, refresh what is shown.
import * as api from '../api'
import type { Row } from '../api'
import { t } from '../i18n/locale.svelte'
import { locale } from '../i18n/locale.svelte'
import { formatUntil } from '../util/time'
import { clock } from './clock.svelte'
import { queue } from './queue.svelte'
import { thread } from './thread.svelte'
import { toasts } from './toasts.svelte'

function nameOf(row: Row): string {
  return row.customerName || row.subject || row.id
}

function failed(e: unknown): void {
  toasts.show(t('toast.failed', { error: api.errorMessage(e) }), { kind: 'error' })
}

function applied(row: Row): void {
  queue.patchRow(row)
  thread.patchRow(row)
  clock.tick()
}

/** The conversation shortcuts act on: the highlighted row, else the open thread. */
export function target(): string | null {
  return queue.selectedId ?? thread.id
}

export function openSelected(): void {
  if (queue.selectedId) void thread.open(queue.selectedId)
}

export function openConversation(id: string): void {
  queue.select(id, true)
  void thread.open(id)
}

export async function resolve(id: string): Promise<void> {
  const index = queue.indexOf(id)
  const wasOpen = thread.id === id
  let row: Row
  try {
    row = await api.resolve(id)
  } catch (e) {
    failed(e)
    return
  }
  applied(row)
  toasts.show(t('toast.resolved', { name: nameOf(row) }), {
    action: { label: t('action.undo'), run: () => void reopen(id) },
  })
  await queue.refresh()
  // Resolved rows leave the open queue: move on to the one that took its place.
  if (queue.indexOf(id) < 0 && queue.selectedId === id) {
    const next = queue.rowAfterRemoval(index)
    queue.select(next?.id ?? null, true)
    if (wasOpen) {
      if (next) void thread.open(next.id)
      else void thread.reload()
    }
  } else if (wasOpen) {
    void thread.reload()
  }
}

export async function reopen(id: string): Promise<void> {
  try {
    const row = await api.reopen(id)
    applied(row)
    toasts.show(t('toast.reopened', { name: nameOf(row) }))
  } catch (e) {
    failed(e)
    return
  }
  await queue.refresh()
  if (thread.id === id) void thread.reload()
}

export async function assignToMe(id: string): Promise<void> {
  try {
    const row = await api.assignToMe(id)
    applied(row)
    toasts.show(t('toast.assigned', { name: nameOf(row) }))
  } catch (e) {
    failed(e)
    return
  }
  await queue.refresh()
}

export async function unassign(id: string): Promise<void> {
  try {
    const row = await api.unassign(id)
    applied(row)
    toasts.show(t('toast.unassigned', { name: nameOf(row) }))
  } catch (e) {
    failed(e)
    return
  }
  await queue.refresh()
}

export async function snooze(id: string, until: number): Promise<void> {
  try {
    const row = await api.snooze(id, until)
    applied(row)
    toasts.show(t('toast.snoozed', { name: nameOf(row), time: formatUntil(until, Date.now(), locale.tag) }), {
      action: { label: t('action.undo'), run: () => void reopen(id) },
    })
  } catch (e) {
    failed(e)
    return
  }
  await queue.refresh()
}
