import { describe, expect, test } from 'vitest'
import type { Deadline, ReplyRule } from '../../api/types'
import { translator } from '../../i18n'
import { deadlineLabel, deadlineLine, deadlineUrgency, liveState, nextChange, replyLines, startOfDue, stateLabel, targetText, untilPhrase } from './deadlines'

const en = translator('en')
const it = translator('it')
const MIN = 60_000
const HOUR = 60 * MIN
const tz = 'Europe/Rome'
const now = Date.UTC(2025, 2, 12, 13, 30) // Wed 12 Mar 2025, 14:30 in Rome

function dl(patch: Partial<Deadline>): Deadline {
  return { key: 'first_response', window: false, state: 'running', start: now - 10 * MIN, warn: 0, due: now + 5 * MIN, done: 0, targetMinutes: 15, ...patch }
}

describe('labels', () => {
  test.each([
    ['first_response', 'First response', 'Prima risposta'],
    ['next_response', 'Next response', 'Risposta successiva'],
    ['resolution', 'Resolution', 'Risoluzione'],
    ['reply_window', '24-hour reply window', 'Finestra di risposta di 24 ore'],
    ['human_agent', 'Human-agent window (7 days)', 'Finestra operatore umano (7 giorni)'],
    ['private_reply', 'Private reply (7 days)', 'Risposta privata (7 giorni)'],
  ] as const)('%s', (key, wantEn, wantIt) => {
    expect(deadlineLabel({ key }, en)).toBe(wantEn)
    expect(deadlineLabel({ key }, it)).toBe(wantIt)
  })

  test('SLA states and window states', () => {
    expect(stateLabel({ window: false }, 'running', en)).toBe('Running')
    expect(stateLabel({ window: false }, 'paused', en)).toBe('Paused — outside business hours')
    expect(stateLabel({ window: false }, 'met', it)).toBe('Rispettata')
    expect(stateLabel({ window: false }, 'breached', en)).toBe('Breached')
    expect(stateLabel({ window: true }, 'running', en)).toBe('Open')
    expect(stateLabel({ window: true }, 'breached', it)).toBe('Chiusa')
  })

  test('target in business time, only for SLA clocks', () => {
    expect(targetText(dl({ targetMinutes: 240 }), en)).toBe('Target: 4 h')
    expect(targetText(dl({ window: true, key: 'reply_window', targetMinutes: 0 }), en)).toBe('')
  })
})

describe('liveState', () => {
  test('a running or paused clock past its due instant is breached', () => {
    expect(liveState(dl({ due: now - 1 }), now)).toBe('breached')
    expect(liveState(dl({ state: 'paused', due: now }), now)).toBe('breached')
    expect(liveState(dl({ due: now + 1 }), now)).toBe('running')
  })
  test('met and breached stay', () => {
    expect(liveState(dl({ state: 'met', due: now - HOUR, done: now - 2 * HOUR }), now)).toBe('met')
    expect(liveState(dl({ state: 'breached' }), now)).toBe('breached')
  })
})

describe('deadlineLine', () => {
  test('running: due time in local time and time left', () => {
    expect(deadlineLine(dl({ due: now + 12 * MIN }), 'running', now, 'en-GB', en, tz)).toEqual({ due: 'due 14:42', detail: '12 min left' })
    expect(deadlineLine(dl({ due: now + 12 * MIN }), 'running', now, 'it-IT', it, tz)).toEqual({ due: 'scadenza 14:42', detail: 'mancano 12 min' })
  })
  test('another day shows the date', () => {
    const line = deadlineLine(dl({ due: now + 27 * HOUR }), 'paused', now, 'en-GB', en, tz)
    expect(line.due).toMatch(/^due Thu,? 13 Mar,? 17:30$/)
    expect(line.detail).toBe('1 d 3 h left')
  })
  test('breached: how late', () => {
    expect(deadlineLine(dl({ due: now - 2 * HOUR }), 'breached', now, 'en-GB', en, tz).detail).toBe('2 h late')
    expect(deadlineLine(dl({ due: now - 2 * HOUR }), 'breached', now, 'it-IT', it, tz).detail).toBe('in ritardo di 2 h')
  })
  test('windows close', () => {
    const w = dl({ key: 'reply_window', window: true, due: now + 3 * HOUR, targetMinutes: 0 })
    expect(deadlineLine(w, 'running', now, 'en-GB', en, tz)).toEqual({ due: 'closes 17:30', detail: '3 h left' })
    expect(deadlineLine({ ...w, due: now - 5 * MIN }, 'breached', now, 'en-GB', en, tz).detail).toBe('closed 5 min ago')
  })
  test('met: when, and how late when answered after the due instant', () => {
    expect(deadlineLine(dl({ state: 'met', due: now - HOUR, done: now - 2 * HOUR }), 'met', now, 'en-GB', en, tz).detail).toBe('done 12:30')
    const late = dl({ state: 'breached', due: now - 2 * HOUR, done: now - HOUR })
    expect(deadlineLine(late, 'breached', now, 'en-GB', en, tz).detail).toBe('done 13:30, 1 h late')
    expect(deadlineLine(late, 'breached', now, 'it-IT', it, tz).detail).toBe('completata 13:30, in ritardo di 1 h')
    // Answered late on an earlier day: the date is the due day's, so only the time is repeated.
    const earlier = dl({ state: 'breached', due: now - 30 * HOUR, done: now - 29 * HOUR })
    expect(deadlineLine(earlier, 'breached', now, 'en-GB', en, tz)).toMatchObject({ detail: 'done 09:30, 1 h late' })
    expect(deadlineLine(earlier, 'breached', now, 'en-GB', en, tz).due).toMatch(/^due Tue,? 11 Mar,? 08:30$/)
  })
})

describe('deadlineUrgency', () => {
  test.each([
    [dl({ state: 'met', done: now - MIN }), 'met', 'met'],
    [dl({ due: now - MIN }), 'breached', 'overdue'],
    [dl({ due: now + 5 * MIN }), 'running', 'soon'],
    [dl({ start: now - 9 * HOUR, due: now + 2 * HOUR }), 'running', 'soon'],
    [dl({ start: now - HOUR, due: now + 2 * HOUR }), 'running', 'ok'],
    [dl({ start: now - HOUR, due: now + 2 * HOUR }), 'paused', 'ok'],
  ] as const)('%#', (d, state, want) => {
    expect(deadlineUrgency(d, state, now)).toBe(want)
  })
})

describe('startOfDue', () => {
  test('the start of the pending deadline the conversation is due by', () => {
    const ds = [dl({ state: 'met', due: now, done: now - HOUR, start: 1 }), dl({ due: now, start: 2 }), dl({ due: now + HOUR, start: 3 })]
    expect(startOfDue(ds, now)).toBe(2)
    expect(startOfDue(ds, now + HOUR)).toBe(3)
    expect(startOfDue(ds, now + 2 * HOUR)).toBe(0)
  })
})

describe('untilPhrase', () => {
  test('today, tomorrow and later, with the preposition Italian needs', () => {
    expect(untilPhrase(now + HOUR, now, 'en-GB', en, tz)).toBe('15:30')
    expect(untilPhrase(now + HOUR, now, 'it-IT', it, tz)).toBe('alle 15:30')
    expect(untilPhrase(now + 20 * HOUR, now, 'en-GB', en, tz)).toBe('tomorrow 10:30')
    expect(untilPhrase(now + 20 * HOUR, now, 'it-IT', it, tz)).toBe('a domani alle 10:30')
    expect(untilPhrase(now + 3 * 24 * HOUR, now, 'en-GB', en, tz)).toMatch(/^Sat,? 15 Mar, 14:30$/)
    expect(untilPhrase(now + 3 * 24 * HOUR, now, 'it-IT', it, tz)).toBe('a sab 15 mar alle 14:30')
  })
})

describe('replyLines', () => {
  const rule = (patch: Partial<ReplyRule>): ReplyRule => ({ mode: 'free', until: 0, privateReplyUntil: 0, ...patch })
  const texts = (r: ReplyRule, tr = en, tag = 'en-GB') => replyLines(r, now, tag, tr, tz).map((l) => l.text)

  test('free, with and without a window', () => {
    expect(texts(rule({ until: now + 35 * MIN }))).toEqual(['Free reply until 15:05'])
    expect(texts(rule({ until: now + 35 * MIN }), it, 'it-IT')).toEqual(['Risposta libera fino alle 15:05'])
    expect(texts(rule({}))).toEqual(['Free reply: no platform time limit'])
    expect(texts(rule({ until: now - MIN }))).toEqual(['The 24-hour reply window has closed'])
  })
  test('tagged, template, closed', () => {
    expect(texts(rule({ mode: 'tagged', until: now + 20 * HOUR }))).toEqual(['Only human-agent (HUMAN_AGENT tag) replies until tomorrow 10:30'])
    expect(texts(rule({ mode: 'tagged', until: now - MIN }))).toEqual(['Nothing can be sent: the 7-day window closed'])
    expect(texts(rule({ mode: 'template' }))).toEqual(['Only approved WhatsApp templates'])
    expect(texts(rule({ mode: 'closed' }), it, 'it-IT')).toEqual(['Non si può inviare nulla: la finestra di 7 giorni è chiusa'])
    expect(replyLines(rule({ mode: 'closed' }), now, 'en-GB', en, tz)[0].tone).toBe('danger')
  })
  test('a private conversation waiting for the customer to answer', () => {
    expect(texts(rule({ mode: 'awaiting' }))).toEqual(['Waiting for the customer: nothing more can be sent until they answer the private reply'])
    expect(replyLines(rule({ mode: 'awaiting' }), now, 'en-GB', en, tz)[0].tone).toBe('warn')
  })
  test('a private reply to a public comment, while possible', () => {
    expect(texts(rule({ privateReplyUntil: now + HOUR }))).toEqual(['Free reply: no platform time limit', 'Private reply possible until 15:30'])
    expect(texts(rule({ privateReplyUntil: now - HOUR }))).toEqual(['Free reply: no platform time limit'])
  })
})

describe('nextChange', () => {
  test('the earliest future instant where a state changes', () => {
    const ds = [dl({ due: now + HOUR }), dl({ state: 'met', due: now + MIN, done: now - MIN }), dl({ due: now - MIN })]
    expect(nextChange(ds, { mode: 'free', until: now + 2 * HOUR, privateReplyUntil: 0 }, now)).toBe(now + HOUR)
    expect(nextChange(ds, { mode: 'free', until: now + 30 * MIN, privateReplyUntil: 0 }, now)).toBe(now + 30 * MIN)
    expect(nextChange([], { mode: 'free', until: 0, privateReplyUntil: 0 }, now)).toBe(0)
  })
})
