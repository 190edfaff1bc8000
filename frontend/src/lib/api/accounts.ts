// Connected accounts (Go: app/desktop AccountService): list, test, add and remove a Facebook Page or
// an Instagram account. The token is only ever handed to Go, which keeps it in the OS keychain.
import * as A from '../../../wailsjs/go/desktop/AccountService'
import { desktop } from '../../../wailsjs/go/models'
import { call } from './call'
import type { AccountState } from './types'

export interface Account {
  id: string
  platform: string
  name: string
  demo: boolean
  state: AccountState
  error: string
  lastSync: number
  created: number
  pageId: string
  igUserId: string
  /** Instagram: "me" (Instagram Login) or the linked Page's ID (Facebook Login). */
  node: string
  graphUrl: string
  graphVersion: string
}

/** A Facebook Page (its Messenger inbox and/or its comments) or an Instagram account to connect. */
export interface AccountForm {
  platform: 'facebook' | 'instagram'
  pageId: string
  messenger: boolean
  comments: boolean
  igUserId: string
  node: string
  token: string
  graphUrl: string
  graphVersion: string
}

/** What a successful test found: the Page's name or the Instagram @username. */
export interface AccountCheck {
  id: string
  name: string
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function account(a: any): Account {
  return {
    id: String(a?.id ?? ''),
    platform: a?.platform ?? '',
    name: a?.name ?? '',
    demo: !!a?.demo,
    state: a?.state || 'offline',
    error: a?.error ?? '',
    lastSync: a?.lastSync ?? 0,
    created: a?.created ?? 0,
    pageId: a?.pageId ?? '',
    igUserId: a?.igUserId ?? '',
    node: a?.node ?? '',
    graphUrl: a?.graphUrl ?? '',
    graphVersion: a?.graphVersion ?? '',
  }
}

const list = (v: any): Account[] => (Array.isArray(v) ? v.map(account) : [])

export async function listAccounts(): Promise<Account[]> {
  return list(await call('AccountService.List', () => A.List()))
}

/** Checks the token against the platform; saves nothing. Rejects with what to fix. */
export async function testAccount(f: AccountForm): Promise<AccountCheck> {
  const c = await call('AccountService.Test', () => A.Test(desktop.AccountForm.createFrom(f)))
  return { id: c?.id ?? '', name: c?.name ?? '' }
}

/** Tests, saves the token in the OS keychain and starts syncing; returns every connected account. */
export async function addAccount(f: AccountForm): Promise<Account[]> {
  return list(await call('AccountService.Add', () => A.Add(desktop.AccountForm.createFrom(f))))
}

/** Stops the account's sync and deletes its token; its conversations stay. */
export async function removeAccount(id: string): Promise<Account[]> {
  return list(await call('AccountService.Remove', () => A.Remove(id)))
}
