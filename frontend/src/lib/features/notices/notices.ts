// Pure helpers for the in-app notification list.
import type { Notice } from '../../api/types'
import type { Translate } from '../../i18n'

/** Newest first; ties keep a stable order by id. */
function newestFirst(a: Notice, b: Notice): number {
  return b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * Adds a notice, or replaces the one with its id (Go re-sends a notice once the OS showed or
 * refused it). Read never goes back to unread: an update racing "mark all read" keeps it read.
 */
export function upsertNotice(list: Notice[], n: Notice, limit: number): Notice[] {
  const old = list.find((x) => x.id === n.id)
  const next = old ? { ...n, read: n.read || old.read } : n
  const out = list.filter((x) => x.id !== n.id)
  out.push(next)
  return out.sort(newestFirst).slice(0, limit)
}

/** A freshly loaded list, plus what arrived live while it loaded (never losing a read mark). */
export function mergeNotices(loaded: Notice[], live: Notice[], limit: number): Notice[] {
  return live.reduce((acc, n) => upsertNotice(acc, n, limit), [...loaded].sort(newestFirst).slice(0, limit))
}

export function unreadCount(list: Notice[]): number {
  return list.reduce((n, x) => n + (x.read ? 0 : 1), 0)
}

/** The bell's badge: "", "3", "99+". */
export function badgeText(unread: number): string {
  if (unread <= 0) return ''
  return unread > 99 ? '99+' : String(unread)
}

export interface OsHint {
  text: string
  /** The OS's own words when it refused (long and technical: a tooltip). */
  reason: string
}

/** Why a notice did not reach the screen through the OS, or null when it did (or is on its way). */
export function osHint(os: string, tr: Translate): OsHint | null {
  if (os === 'silenced') return { text: tr('notices.os.silenced'), reason: '' }
  if (os.startsWith('failed')) return { text: tr('notices.os.failed'), reason: os.replace(/^failed:?\s*/, '').trim() }
  return null
}
