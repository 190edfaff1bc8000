import { describe, expect, test } from 'vitest'
import type { Notice } from '../../api/types'
import { translator } from '../../i18n'
import { badgeText, mergeNotices, osHint, unreadCount, upsertNotice } from './notices'

const en = translator('en')
const it = translator('it')

function n(id: string, at: number, patch: Partial<Notice> = {}): Notice {
  return { id, at, level: 'breach', title: id, body: '', convIds: ['c1'], os: '', read: false, ...patch }
}

describe('upsertNotice', () => {
  test('newest first, replacing by id', () => {
    let list = upsertNotice([], n('a', 1), 10)
    list = upsertNotice(list, n('b', 3), 10)
    list = upsertNotice(list, n('c', 2), 10)
    expect(list.map((x) => x.id)).toEqual(['b', 'c', 'a'])
    list = upsertNotice(list, n('c', 2, { os: 'shown' }), 10)
    expect(list.map((x) => x.id)).toEqual(['b', 'c', 'a'])
    expect(list[1].os).toBe('shown')
  })

  test('an update never makes a read notice unread', () => {
    const list = upsertNotice([n('a', 1, { read: true })], n('a', 1, { os: 'shown', read: false }), 10)
    expect(list[0]).toMatchObject({ os: 'shown', read: true })
  })

  test('keeps the newest up to the limit', () => {
    const list = [5, 1, 4, 2, 3].reduce<Notice[]>((acc, at) => upsertNotice(acc, n(`n${at}`, at), 3), [])
    expect(list.map((x) => x.at)).toEqual([5, 4, 3])
  })

  test('same instant: stable by id', () => {
    const list = upsertNotice(upsertNotice([], n('b', 1), 10), n('a', 1), 10)
    expect(list.map((x) => x.id)).toEqual(['a', 'b'])
  })
})

describe('mergeNotices', () => {
  test('live updates win over a load that started before them', () => {
    const loaded = [n('a', 1), n('b', 2)]
    const live = [n('b', 2, { os: 'failed: no bus' }), n('c', 3)]
    const out = mergeNotices(loaded, live, 10)
    expect(out.map((x) => x.id)).toEqual(['c', 'b', 'a'])
    expect(out[1].os).toBe('failed: no bus')
  })
})

describe('counts and hints', () => {
  test('unread and the badge', () => {
    expect(unreadCount([n('a', 1), n('b', 2, { read: true }), n('c', 3)])).toBe(2)
    expect(badgeText(0)).toBe('')
    expect(badgeText(7)).toBe('7')
    expect(badgeText(100)).toBe('99+')
  })

  test('OS status hints', () => {
    expect(osHint('shown', en)).toBeNull()
    expect(osHint('', en)).toBeNull()
    expect(osHint('silenced', en)?.text).toMatch(/^Shown only here: .*quiet hours/)
    expect(osHint('failed: org.freedesktop.Notifications was not provided', en)).toEqual({
      text: 'Shown only here: the system refused the notification',
      reason: 'org.freedesktop.Notifications was not provided',
    })
    expect(osHint('failed: too many notifications at once', it)?.text).toBe('Mostrata solo qui: il sistema ha rifiutato la notifica')
  })
})
