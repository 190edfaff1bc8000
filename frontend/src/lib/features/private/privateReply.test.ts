import { describe, expect, test } from 'vitest'
import { canReplyPrivately, followUpLanguage, privateLimit, privatePlatform } from './privateReply'

describe('private reply', () => {
  test.each([
    ['comment', true, 'facebook', true],
    ['comment', true, 'instagram', true],
    ['comment', false, 'facebook', false],
    ['dm', false, 'messenger', false],
    ['mention', true, 'x', false],
    ['comment', true, 'x', false],
  ])('%s public=%s on %s → %s', (kind, pub, platform, want) => {
    expect(canReplyPrivately({ kind, public: pub, platform })).toBe(want)
  })

  test('the private conversation lives in Messenger for a Page, in Direct for Instagram', () => {
    expect(privatePlatform('facebook')).toBe('messenger')
    expect(privatePlatform('instagram')).toBe('instagram')
  })

  test('limits are counted as each platform counts', () => {
    const ig = privateLimit('instagram')
    expect(ig.limit).toBe(1000)
    expect(ig.count('è')).toBe(2)
    const fb = privateLimit('facebook')
    expect(fb.limit).toBe(2000)
    expect(fb.count('è😀')).toBe(2)
  })

  test('the follow-up is suggested in the customer’s language', () => {
    expect(followUpLanguage('it', 'en')).toBe('it')
    expect(followUpLanguage('en-GB', 'it')).toBe('en')
    expect(followUpLanguage('de', 'it')).toBe('it')
    expect(followUpLanguage('', 'en')).toBe('en')
  })
})
