import { describe, expect, test } from 'vitest'
import type { Message } from '../../api/types'
import type { OutItem } from '../../api/composer'
import { outboxView, stateIcon, upsertOut } from './outbox'

const msg = (id: string, text: string, direction: Message['direction'] = 'out'): Message => ({ id, direction, author: 'a', text, at: 0, attachments: [] })
const out = (id: string, text: string, state: OutItem['state'], created = 1): OutItem => ({
  id,
  convId: 'c',
  text,
  state,
  err: '',
  attempts: 0,
  created,
  sentAt: 0,
  next: 0,
  platformId: '',
})

describe('outboxView', () => {
  test('a sent reply marks its thread message; the others are shown after the thread', () => {
    const v = outboxView([msg('m1', 'Hi', 'in'), msg('m2', 'Thanks!')], [out('o1', 'Thanks!', 'sent', 1), out('o2', 'Later', 'failed', 2)])
    expect([...v.byMessage.entries()].map(([k, x]) => [k, x.id])).toEqual([['m2', 'o1']])
    expect(v.pending.map((x) => x.id)).toEqual(['o2'])
  })
  test('a sent reply not in the thread yet is still shown, once', () => {
    const v = outboxView([msg('m1', 'Hi', 'in')], [out('o1', 'Thanks!', 'sent')])
    expect(v.byMessage.size).toBe(0)
    expect(v.pending.map((x) => x.id)).toEqual(['o1'])
  })
  test('the same text twice pairs one to one, and the text is compared trimmed', () => {
    const v = outboxView([msg('m1', 'ok'), msg('m2', 'ok ')], [out('o1', 'ok', 'sent', 1), out('o2', ' ok', 'sent', 2), out('o3', 'ok', 'sent', 3)])
    expect(v.byMessage.get('m1')?.id).toBe('o1')
    expect(v.byMessage.get('m2')?.id).toBe('o2')
    expect(v.pending.map((x) => x.id)).toEqual(['o3'])
  })
  test('a reply not sent is never paired with an older message of the same text', () => {
    const v = outboxView([msg('m1', 'ok')], [out('o1', 'ok', 'queued')])
    expect(v.byMessage.size).toBe(0)
    expect(v.pending.map((x) => x.state)).toEqual(['queued'])
  })
  test('notes and customer messages are never paired', () => {
    const v = outboxView([msg('n', 'ok', 'note'), msg('i', 'ok', 'in')], [out('o1', 'ok', 'sent')])
    expect(v.byMessage.size).toBe(0)
  })
})

describe('upsertOut', () => {
  test('replaces by ID, adds in creation order', () => {
    let items = upsertOut([], out('b', 'x', 'queued', 2))
    items = upsertOut(items, out('a', 'y', 'queued', 1))
    items = upsertOut(items, out('b', 'x', 'sending', 2))
    expect(items.map((x) => `${x.id}:${x.state}`)).toEqual(['a:queued', 'b:sending'])
  })
  test('a late event never takes a sent reply back', () => {
    const items = upsertOut([out('a', 'x', 'sent')], out('a', 'x', 'sending'))
    expect(items[0].state).toBe('sent')
  })
  test('a failed reply retried goes back to queued', () => {
    expect(upsertOut([out('a', 'x', 'failed')], out('a', 'x', 'queued'))[0].state).toBe('queued')
  })
})

test('state icons', () => {
  expect(stateIcon('queued')).toBe('clock')
  expect(stateIcon('sending')).toBe('clock')
  expect(stateIcon('sent')).toBe('check')
  expect(stateIcon('failed')).toBe('alert')
  expect(stateIcon('needs-check')).toBe('alert')
})
