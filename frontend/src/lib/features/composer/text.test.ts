import { describe, expect, test } from 'vitest'
import { applyFill, findRegion, markers, regionIntact, replaceRange, slashToken, substituteFields } from './text'

describe('markers', () => {
  test('lists each {{…}} variable once, in order, spaces allowed', () => {
    expect(markers('Ciao {{customer.first_name}}, ordine {{ field.order }} del {{field.date}} ({{field.order}})')).toEqual([
      'customer.first_name',
      'field.order',
      'field.date',
    ])
  })
  test('ignores what is not a marker', () => {
    expect(markers('{single} {{}} {{1abc}} {{ a b }} plain')).toEqual([])
  })
})

describe('substituteFields', () => {
  test('fills field markers with non-empty, trimmed values', () => {
    expect(substituteFields('Ordine {{field.order}}, il {{ field.date }}.', { order: ' A-12 ', date: '' })).toBe('Ordine A-12, il {{ field.date }}.')
  })
  test('leaves other variables alone', () => {
    expect(substituteFields('Hi {{customer.first_name}} {{agent.name}}', { first_name: 'x' })).toBe('Hi {{customer.first_name}} {{agent.name}}')
  })
  test('an undotted custom field is filled like Go fills it; built-ins never', () => {
    expect(substituteFields('{{loyalty_tier}} {{agent.name}}', { loyalty_tier: 'gold', 'agent.name': 'x' })).toBe('gold {{agent.name}}')
  })
  test('a value containing $ or {{ is inserted literally', () => {
    expect(substituteFields('{{field.a}}', { a: '$& {{field.a}}' })).toBe('$& {{field.a}}')
  })
})

describe('slashToken', () => {
  test('a "/" at the start of the text or of a word opens the picker', () => {
    expect(slashToken('/rit', 4)).toEqual({ start: 0, end: 4, query: 'rit' })
    expect(slashToken('Ciao /gra', 9)).toEqual({ start: 5, end: 9, query: 'gra' })
    expect(slashToken('Ciao\n/', 6)).toEqual({ start: 5, end: 6, query: '' })
  })
  test('editing inside the word takes all of it', () => {
    expect(slashToken('x /grazie y', 5)).toEqual({ start: 2, end: 9, query: 'gr' })
  })
  test('no trigger inside a word, a URL, after a space, or before the caret', () => {
    expect(slashToken('and/or', 6)).toBeNull()
    expect(slashToken('https://x.it/a', 14)).toBeNull()
    expect(slashToken('/grazie ', 8)).toBeNull()
    expect(slashToken('', 0)).toBeNull()
    expect(slashToken('/a/b', 4)).toBeNull()
  })
})

test('replaceRange returns the caret after the insert', () => {
  expect(replaceRange('Hi /gr there', 3, 6, 'TEXT')).toEqual({ text: 'Hi TEXT there', caret: 7 })
})

describe('applyFill', () => {
  const source = 'Order {{field.order}} arrives {{field.date}}.'
  const start = 'Hi! '.length

  test('an untouched template is filled again from its source: a changed value replaces the old one', () => {
    let text = 'Hi! ' + source
    let region = { start, text: source, source }
    ;({ text, region } = applyFill(text, region, { order: '1' }, false) as { text: string; region: typeof region })
    expect(text).toBe('Hi! Order 1 arrives {{field.date}}.')
    ;({ text, region } = applyFill(text, region, { order: '12' }, false) as { text: string; region: typeof region })
    expect(text).toBe('Hi! Order 12 arrives {{field.date}}.')
    const r = applyFill(text + ' Bye', region, { order: '12', date: 'Monday' }, false)
    expect(r.text).toBe('Hi! Order 12 arrives Monday. Bye')
    expect(regionIntact(r.text, r.region)).toBe(true)
  })

  test('an edited template: markers are substituted on commit only, and tracking stops', () => {
    const region = { start: 0, text: source, source }
    const edited = 'Order {{field.order}} arrives soon, sorry!'
    expect(applyFill(edited, region, { order: '7' }, false)).toEqual({ text: edited, region: null })
    expect(applyFill(edited, region, { order: '7' }, true)).toEqual({ text: 'Order 7 arrives soon, sorry!', region: null })
  })

  test('findRegion locates a restored draft’s template text', () => {
    const text = 'Hi! Order 5 arrives {{field.date}}.'
    expect(findRegion(text, source, { order: '5' })).toEqual({ start: 4, text: 'Order 5 arrives {{field.date}}.', source })
    expect(findRegion('something else', source, {})).toBeNull()
  })
})
