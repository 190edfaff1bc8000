import { describe, expect, test } from 'vitest'
import type { Template } from '../../api/composer'
import { emptyForm, filterTemplates, freePlatforms, fromForm, parseTags, toForm, undeclaredFields } from './templateForm'

const tpl = (p: Partial<Template>): Template => ({
  id: 't1',
  name: 'Ritardo consegna',
  shortcut: 'ritardo',
  body: 'Ciao {{customer.first_name}}, ordine {{field.order}}',
  fields: [{ name: 'order', label: 'Numero d’ordine', required: true }],
  variants: { x: 'Short {{field.order}}', messenger: 'Long' },
  lang: 'it',
  tags: ['consegna'],
  uses: 3,
  ...p,
})

describe('template form', () => {
  test('round trip', () => {
    const f = toForm(tpl({}), 'en')
    expect(f.tags).toBe('consegna')
    expect(f.variants.map((v) => v.platform)).toEqual(['messenger', 'x'])
    const r = fromForm(f)
    expect(r).toEqual({ ok: true, value: tpl({}) })
  })

  test('a template without language gets the fallback', () => {
    expect(toForm(tpl({ lang: '' }), 'en').lang).toBe('en')
  })

  test('shortcut cleaned: no leading /, lower case; tags trimmed, # dropped, deduplicated', () => {
    const f = { ...emptyForm('it'), name: ' N ', shortcut: ' /Grazie', body: 'b', tags: ' #a, b ,, a ' }
    const r = fromForm(f)
    expect(r.ok && r.value).toMatchObject({ name: 'N', shortcut: 'grazie', tags: ['a', 'b'] })
    expect(parseTags('')).toEqual([])
  })

  test.each([
    [{ name: '' }, 'templates.err.name'],
    [{ name: 'x', body: ' ' }, 'templates.err.body'],
    [{ name: 'x', body: 'b', shortcut: 'two words' }, 'templates.err.shortcut'],
    [{ name: 'x', body: 'b', fields: [{ name: 'a b', label: '', required: true }] }, 'templates.err.fieldName'],
    [{ name: 'x', body: 'b', fields: [{ name: 'field.a', label: '', required: true }] }, 'templates.err.fieldName'],
    [
      {
        name: 'x',
        body: 'b',
        fields: [
          { name: 'a', label: '', required: true },
          { name: 'a', label: '', required: false },
        ],
      },
      'templates.err.fieldDup',
    ],
    [{ name: 'x', body: 'b', variants: [{ platform: 'x', body: '' }] }, 'templates.err.variantBody'],
    [
      {
        name: 'x',
        body: 'b',
        variants: [
          { platform: 'x', body: '1' },
          { platform: 'x', body: '2' },
        ],
      },
      'templates.err.variantDup',
    ],
  ])('refuses %j with %s', (patch, key) => {
    const r = fromForm({ ...emptyForm('it'), ...patch })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.key).toBe(key)
  })

  test('empty fill-in rows are skipped; a missing label takes the name', () => {
    const r = fromForm({
      ...emptyForm('en'),
      name: 'x',
      body: 'b',
      fields: [
        { name: '', label: '', required: true },
        { name: 'order', label: '', required: false },
      ],
    })
    expect(r.ok && r.value.fields).toEqual([{ name: 'order', label: 'order', required: false }])
  })

  test('fill-ins used in the body or a variant but not declared are offered', () => {
    const f = { ...emptyForm('en'), body: '{{field.order}} {{field.date}} {{agent.name}}', fields: [{ name: 'order', label: '', required: true }] }
    f.variants = [{ platform: 'x', body: '{{field.code}} {{field.date}}' }]
    expect(undeclaredFields(f)).toEqual(['date', 'code'])
  })

  test('free platforms for a new variant', () => {
    const f = { ...emptyForm('en'), variants: [{ platform: 'x', body: '' }] }
    expect(freePlatforms(f)).not.toContain('x')
    expect(freePlatforms(f)).toContain('telegram')
  })
})

describe('filterTemplates', () => {
  const list = [tpl({}), tpl({ id: 't2', name: 'Thanks', shortcut: 'thanks', body: 'Thank you!', tags: ['grazie'], lang: 'en' })]
  test('every word must match name, /shortcut, tags or body, ignoring case and accents', () => {
    expect(filterTemplates(list, '').length).toBe(2)
    expect(filterTemplates(list, 'RITARDO').map((t) => t.id)).toEqual(['t1'])
    expect(filterTemplates(list, '/than').map((t) => t.id)).toEqual(['t2'])
    expect(filterTemplates(list, 'grazie thank').map((t) => t.id)).toEqual(['t2'])
    expect(filterTemplates([tpl({ name: 'Perché' })], 'perche').length).toBe(1)
    expect(filterTemplates(list, 'nothing')).toEqual([])
  })
})
