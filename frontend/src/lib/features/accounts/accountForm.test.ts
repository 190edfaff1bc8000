import { describe, expect, test } from 'vitest'
import type { Account } from '../../api'
import { emptyForm, formFor, loginOf, missing, reconnectable, toRequest } from './accountForm'

const acct = (a: Partial<Account>): Account => ({
  id: 'x',
  platform: 'facebook',
  name: 'Aurora Casa',
  demo: false,
  state: 'online',
  error: '',
  lastSync: 0,
  created: 0,
  pageId: '',
  igUserId: '',
  node: '',
  graphUrl: '',
  graphVersion: '',
  ...a,
})

describe('account form', () => {
  test('a Page needs its ID, something to connect and a token', () => {
    const f = emptyForm('facebook')
    expect(missing(f)).toEqual(['accounts.need.pageId', 'accounts.need.token'])
    expect(missing({ ...f, pageId: '104', token: 'EAA', messenger: false, comments: false })).toEqual(['accounts.need.what'])
    expect(missing({ ...f, pageId: ' 104 ', token: 'EAA' })).toEqual([])
  })

  test('Instagram with Facebook Login needs the linked Page', () => {
    const f = { ...emptyForm('instagram'), igUserId: '1784', token: 'IGAA' }
    expect(missing(f)).toEqual([])
    expect(loginOf(f)).toBe('instagram')
    expect(loginOf({ ...f, node: '104' })).toBe('facebook')
    expect(missing({ ...f, node: '' }, 'facebook')).toEqual(['accounts.need.node'])
    expect(missing({ ...f, node: ' 104 ' }, 'facebook')).toEqual([])
    expect(toRequest({ ...f, node: '104' }, 'instagram').node).toBe('me')
    expect(toRequest({ ...f, node: ' 104' }, 'facebook').node).toBe('104')
  })

  test('the request carries only the chosen platform’s fields, trimmed', () => {
    const f = { ...emptyForm('instagram'), pageId: '104', igUserId: ' 1784 ', token: ' IGAA \n', node: 'me' }
    expect(toRequest(f)).toEqual({ ...emptyForm('instagram'), igUserId: '1784', token: 'IGAA', node: 'me', messenger: false, comments: false })
    const p = { ...emptyForm('facebook'), pageId: '104 ', igUserId: '1784', token: 'EAA', comments: false }
    expect(toRequest(p)).toMatchObject({ platform: 'facebook', pageId: '104', igUserId: '', node: '', messenger: true, comments: false })
  })

  test('reconnecting prefills the IDs, never the token, and renews both accounts of a Page', () => {
    const msg = acct({ id: 'fb-msg-104', platform: 'messenger', pageId: '104', graphUrl: 'http://127.0.0.1:9' })
    const fb = acct({ id: 'fb-104', platform: 'facebook', pageId: '104' })
    expect(formFor(msg, [msg, fb])).toMatchObject({ platform: 'facebook', pageId: '104', messenger: true, comments: true, token: '', graphUrl: 'http://127.0.0.1:9' })
    expect(formFor(msg, [msg])).toMatchObject({ messenger: true, comments: false })
    const ig = acct({ platform: 'instagram', igUserId: '1784', node: '104' })
    expect(formFor(ig)).toMatchObject({ platform: 'instagram', igUserId: '1784', node: '104', token: '' })
    expect(reconnectable(ig)).toBe(true)
    expect(reconnectable({ ...ig, demo: true })).toBe(false)
    expect(reconnectable(acct({ platform: 'telegram' }))).toBe(false)
  })
})
