import { describe, expect, test } from 'vitest'
import { actionFor, keyContext, type Action } from './keyboard'

describe('actionFor', () => {
  test.each<[string, Action]>([
    ['j', 'next'],
    ['ArrowDown', 'next'],
    ['k', 'prev'],
    ['ArrowUp', 'prev'],
    ['Enter', 'open'],
    ['e', 'resolve'],
    ['a', 'assign'],
    ['/', 'search'],
    ['?', 'help'],
    ['n', 'notices'],
    ['r', 'reply'],
    ['Escape', 'escape'],
  ])('%s → %s', (key, want) => {
    expect(actionFor({ key }, 'none')).toBe(want)
  })

  test('unmapped keys do nothing', () => {
    expect(actionFor({ key: 'x' }, 'none')).toBeNull()
    expect(actionFor({ key: 'J' }, 'none')).toBeNull()
  })

  test('inactive while typing, except Escape', () => {
    for (const key of ['j', 'k', 'e', 'a', '/', '?', 'n', 'r', 'Enter']) expect(actionFor({ key }, 'typing')).toBeNull()
    expect(actionFor({ key: 'Escape' }, 'typing')).toBe('escape')
  })

  test('modifiers belong to the system (Ctrl+A, Cmd+E…)', () => {
    expect(actionFor({ key: 'a', ctrlKey: true }, 'none')).toBeNull()
    expect(actionFor({ key: 'e', metaKey: true }, 'none')).toBeNull()
    expect(actionFor({ key: 'j', altKey: true }, 'none')).toBeNull()
  })

  test('Enter on a focused button is the button’s', () => {
    expect(actionFor({ key: 'Enter' }, 'control')).toBeNull()
    expect(actionFor({ key: 'j' }, 'control')).toBe('next')
  })
})

describe('keyContext', () => {
  test.each([
    [{ tagName: 'INPUT', type: 'search' }, 'typing'],
    [{ tagName: 'INPUT' }, 'typing'],
    [{ tagName: 'input', type: 'checkbox' }, 'control'],
    [{ tagName: 'TEXTAREA' }, 'typing'],
    [{ tagName: 'SELECT' }, 'typing'],
    [{ tagName: 'DIV', isContentEditable: true }, 'typing'],
    [{ tagName: 'BUTTON' }, 'control'],
    [{ tagName: 'A' }, 'control'],
    [{ tagName: 'DIV' }, 'none'],
    [null, 'none'],
  ])('%o → %s', (target, want) => {
    expect(keyContext(target)).toBe(want)
  })
})
