// The Add-account form as plain data: defaults, prefill for reconnecting, and what must be filled
// before Go is asked. Go validates again and its refusals are shown verbatim.
import type { Account, AccountForm } from '../../api'

export type LoginKind = 'instagram' | 'facebook'

export function emptyForm(platform: AccountForm['platform'] = 'facebook'): AccountForm {
  return { platform, pageId: '', messenger: true, comments: true, igUserId: '', node: 'me', token: '', graphUrl: '', graphVersion: '' }
}

/** The form to renew an account's token (reconnect): its IDs and host, an empty token. */
export function formFor(a: Account, all: Account[] = []): AccountForm {
  if (a.platform === 'instagram') {
    return { ...emptyForm('instagram'), igUserId: a.igUserId, node: a.node || 'me', graphUrl: a.graphUrl, graphVersion: a.graphVersion }
  }
  // A Page's two accounts share one token: renew both when both are connected.
  const page = all.filter((x) => x.pageId && x.pageId === a.pageId)
  return {
    ...emptyForm('facebook'),
    pageId: a.pageId,
    messenger: a.platform === 'messenger' || page.some((x) => x.platform === 'messenger'),
    comments: a.platform === 'facebook' || page.some((x) => x.platform === 'facebook'),
    graphUrl: a.graphUrl,
    graphVersion: a.graphVersion,
  }
}

/** Instagram Login ("me" on graph.instagram.com) or Facebook Login (through the linked Page). */
export function loginOf(f: AccountForm): LoginKind {
  return f.node === '' || f.node === 'me' ? 'instagram' : 'facebook'
}

/** Whether a Meta account can be reconnected from the dialog (the demo's cannot). */
export function reconnectable(a: Account): boolean {
  return !a.demo && (a.platform === 'facebook' || a.platform === 'messenger' || a.platform === 'instagram')
}

/** Missing fields, as i18n keys; empty when the form can be sent to Go. */
export function missing(
  f: AccountForm,
  login: LoginKind = loginOf(f),
): ('accounts.need.pageId' | 'accounts.need.igUserId' | 'accounts.need.node' | 'accounts.need.what' | 'accounts.need.token')[] {
  const out: ReturnType<typeof missing> = []
  if (f.platform === 'facebook') {
    if (!f.pageId.trim()) out.push('accounts.need.pageId')
    if (!f.messenger && !f.comments) out.push('accounts.need.what')
  } else {
    if (!f.igUserId.trim()) out.push('accounts.need.igUserId')
    if (login === 'facebook' && !/^\d+$/.test(f.node.trim())) out.push('accounts.need.node')
  }
  if (!f.token.trim()) out.push('accounts.need.token')
  return out
}

/** The form as Go gets it: trimmed, and only the fields of the chosen platform (and login). */
export function toRequest(f: AccountForm, login: LoginKind = loginOf(f)): AccountForm {
  const base = { ...emptyForm(f.platform), token: f.token.trim(), graphUrl: f.graphUrl.trim(), graphVersion: f.graphVersion.trim() }
  if (f.platform === 'facebook') return { ...base, pageId: f.pageId.trim(), messenger: f.messenger, comments: f.comments, node: '' }
  return { ...base, igUserId: f.igUserId.trim(), node: login === 'instagram' ? 'me' : f.node.trim(), messenger: false, comments: false }
}

/** "Page 1044…", "Instagram 17841…": what identifies an account under its name. */
export function accountDetail(a: Account): string {
  if (a.pageId) return a.pageId
  if (a.igUserId) return a.igUserId
  return ''
}
