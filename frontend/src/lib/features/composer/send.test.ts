import { describe, expect, test } from 'vitest'
import { translator } from '../../i18n'
import type { ReplyRule } from '../../api/types'
import { blockerText, formatCounter, parseUnfilledError, sendBlockers, unfilled, warningKeys, windowRule, type SendState } from './send'

const en = translator('en')
const it = translator('it')
const fields = [
  { name: 'order', label: 'Order number', required: true },
  { name: 'date', label: 'Delivery date', required: true },
  { name: 'note', label: 'Note', required: false },
]

describe('formatCounter', () => {
  test('length and limit, in the agent’s number format', () => {
    expect(formatCounter(123, 280, 'en-GB')).toEqual({ text: '123 / 280', over: false, near: false })
    expect(formatCounter(1500, 4096, 'it-IT')).toEqual({ text: '1500 / 4096', over: false, near: false })
    expect(formatCounter(2500, 4096, 'en-US').text).toBe('2,500 / 4,096')
  })
  test('near at 90%, over past the limit', () => {
    expect(formatCounter(252, 280, 'en-GB')).toMatchObject({ near: true, over: false })
    expect(formatCounter(280, 280, 'en-GB')).toMatchObject({ near: true, over: false })
    expect(formatCounter(281, 280, 'en-GB')).toMatchObject({ near: false, over: true })
  })
  test('no limit: just the length', () => {
    expect(formatCounter(9000, 0, 'en-GB')).toEqual({ text: '9,000', over: false, near: false })
  })
})

describe('unfilled', () => {
  test('markers left in the text first (fields by label), then required fill-ins without a value', () => {
    const text = 'Ciao {{customer.first_name}}, ordine {{field.order}}'
    expect(unfilled(text, fields, { date: ' ' })).toEqual([
      { name: 'customer.first_name', label: '{{customer.first_name}}' },
      { name: 'field.order', label: 'Order number' },
      { name: 'field.date', label: 'Delivery date' },
    ])
  })
  test('a filled value counts, an optional field never blocks', () => {
    expect(unfilled('ok', fields, { order: '1', date: 'Monday' })).toEqual([])
  })
  test('an undotted marker of a declared field is named by its label, once', () => {
    expect(unfilled('{{order}}', fields, { date: 'x' })).toEqual([{ name: 'order', label: 'Order number' }])
  })
  test('a field without a label is named by its name', () => {
    expect(unfilled('{{field.x}}', [{ name: 'x', label: '', required: true }], {})).toEqual([{ name: 'field.x', label: 'x' }])
  })
})

describe('windowRule', () => {
  const rule = (p: Partial<ReplyRule>): ReplyRule => ({ mode: 'free', until: 0, privateReplyUntil: 0, ...p })
  test('maps the reply mode', () => {
    expect(windowRule(rule({}), 0)).toEqual({ kind: 'free' })
    expect(windowRule(rule({ mode: 'tagged', until: 2000 }), 1000)).toEqual({ kind: 'tagged', until: 2000 })
    expect(windowRule(rule({ mode: 'tagged', until: 500 }), 1000)).toEqual({ kind: 'blocked', reason: 'closed' })
    expect(windowRule(rule({ mode: 'template' }), 0)).toEqual({ kind: 'blocked', reason: 'template' })
    expect(windowRule(rule({ mode: 'closed' }), 0)).toEqual({ kind: 'blocked', reason: 'closed' })
    expect(windowRule(rule({ mode: 'awaiting' }), 0)).toEqual({ kind: 'blocked', reason: 'awaiting' })
  })
  test('a private conversation waiting for the customer blocks sending, and says why', () => {
    const b = sendBlockers({ text: 'Ci sei?', length: 7, limit: 2000, fields: [], values: {}, rule: windowRule(rule({ mode: 'awaiting' }), 0) })
    expect(b).toEqual([{ kind: 'window', reason: 'awaiting' }])
    expect(blockerText(b[0], en, 'en-GB')).toBe('The customer has not answered the private reply yet')
  })
})

describe('sendBlockers', () => {
  const base: SendState = { text: 'Hello', length: 5, limit: 280, fields: [], values: {}, rule: { kind: 'free' } }

  test('nothing blocks a plain reply', () => {
    expect(sendBlockers(base)).toEqual([])
  })
  test('empty text', () => {
    expect(sendBlockers({ ...base, text: '  \n' })).toEqual([{ kind: 'empty' }])
  })
  test('over the limit, with how much', () => {
    const b = sendBlockers({ ...base, length: 300 })
    expect(b).toEqual([{ kind: 'tooLong', length: 300, limit: 280 }])
    expect(blockerText(b[0], en, 'en-GB')).toBe('20 over the platform’s limit of 280')
  })
  test('no limit, no length yet: not blocked by length', () => {
    expect(sendBlockers({ ...base, length: 99999, limit: 0 })).toEqual([])
    expect(sendBlockers({ ...base, length: null })).toEqual([])
  })
  test('unfilled fill-ins and markers are named', () => {
    const b = sendBlockers({ ...base, text: 'Order {{field.order}} by {{agent.name}}', fields, values: { date: 'Mon' } })
    expect(b).toHaveLength(1)
    expect(blockerText(b[0], en, 'en-GB')).toBe('Fill in before sending: Order number, {{agent.name}}')
    expect(blockerText(b[0], it, 'it-IT')).toBe('Da compilare prima dell’invio: Order number, {{agent.name}}')
  })
  test('a closed window blocks first, whatever the text', () => {
    const b = sendBlockers({ ...base, rule: { kind: 'blocked', reason: 'template' } })
    expect(b).toEqual([{ kind: 'window', reason: 'template' }])
    expect(blockerText(b[0], en, 'en-GB')).toBe('Only approved WhatsApp templates can be sent now')
  })
  test('several reasons at once', () => {
    const kinds = sendBlockers({ ...base, text: '{{field.order}}', length: 400, fields, values: {} }).map((b) => b.kind)
    expect(kinds).toEqual(['unfilled', 'tooLong'])
  })
})

test('warnings in the order they are shown', () => {
  expect(warningKeys({ verbatim: true, alreadySent: true })).toEqual(['composer.warn.verbatim', 'composer.warn.alreadySent'])
  expect(warningKeys({ verbatim: false, alreadySent: false })).toEqual([])
  expect(en('composer.warn.verbatim')).toBe('This is the template word for word: add a personal touch.')
  expect(en('composer.warn.alreadySent')).toBe('This template was already sent to this customer.')
})

test('parseUnfilledError reads Go’s refusal', () => {
  expect(parseUnfilledError('fill in before sending: field.order, agent.name')).toEqual(['field.order', 'agent.name'])
  expect(parseUnfilledError('the reply is empty')).toBeNull()
})
