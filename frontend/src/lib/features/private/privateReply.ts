// Rules of the "Reply privately" action, as plain functions the components and tests share.
import type { Row } from '../../api'

/** A public comment on Facebook or Instagram: the only conversations a private reply exists for. */
export function canReplyPrivately(c: Pick<Row, 'kind' | 'public' | 'platform'>): boolean {
  return c.kind === 'comment' && c.public && (c.platform === 'facebook' || c.platform === 'instagram')
}

/** Where the private conversation opens: the Page's Messenger inbox, or the account's Instagram Direct. */
export function privatePlatform(platform: string): 'messenger' | 'instagram' {
  return platform === 'instagram' ? 'instagram' : 'messenger'
}

/** The private message's limit as the platform counts it: Messenger 2000 characters, Instagram 1000 bytes. */
export function privateLimit(platform: string): { limit: number; count: (text: string) => number } {
  if (privatePlatform(platform) === 'instagram') return { limit: 1000, count: (s) => new TextEncoder().encode(s).length }
  return { limit: 2000, count: (s) => [...s].length }
}

/** The customer's language when the UI speaks it (for the suggested public follow-up), else the UI's. */
export function followUpLanguage(customerLanguage: string, uiLanguage: 'it' | 'en'): 'it' | 'en' {
  const base = (customerLanguage || '').toLowerCase().split(/[-_]/)[0]
  return base === 'it' || base === 'en' ? base : uiLanguage
}
