import { expect, test } from 'vitest'
import { en } from '../../i18n/en'
import doc from '../../../../../docs/metrics.md?raw'

// The tooltips are docs/metrics.md's definitions, word for word (the Go exports are held to the
// same page by app/stats' tests).
test('every metric tooltip is the documented definition', () => {
  const defs = Object.entries(en).filter(([k]) => k.startsWith('stats.def.'))
  expect(defs.length).toBe(22)
  for (const [key, text] of defs) {
    expect(doc, key).toContain(`| ${text} |`)
  }
})
