import { InputError } from '@trellis/errors';
import { parseEntityRef, stringifyEntityRef } from '.';

describe('entity refs', () => {
  it.each([
    ['component:default/cart', {}, { kind: 'component', namespace: 'default', name: 'cart' }],
    ['Component:payments/Cart', {}, { kind: 'Component', namespace: 'payments', name: 'Cart' }],
    ['component:cart', {}, { kind: 'component', namespace: 'default', name: 'cart' }],
    ['team-a', { defaultKind: 'Group' }, { kind: 'Group', namespace: 'default', name: 'team-a' }],
    [
      'other/team-a',
      { defaultKind: 'Group', defaultNamespace: 'ns' },
      { kind: 'Group', namespace: 'other', name: 'team-a' },
    ],
    ['team-a', { defaultKind: 'Group', defaultNamespace: 'ns' }, { kind: 'Group', namespace: 'ns', name: 'team-a' }],
    ['api:v1.2_beta-3', {}, { kind: 'api', namespace: 'default', name: 'v1.2_beta-3' }],
  ])('parses %s', (ref, defaults, expected) => {
    expect(parseEntityRef(ref, defaults)).toEqual(expected);
  });

  it.each([
    '',
    'cart',
    'component:',
    'component:default/',
    ':default/cart',
    'component:default/ca rt',
    'comp-onent:cart',
    'component:Bad_NS/cart',
    'component:a/b/c',
    'component:-cart',
    `component:${'a'.repeat(64)}`,
  ])('refuses %j with an InputError naming it', (ref) => {
    expect(() => parseEntityRef(ref)).toThrow(InputError);
    expect(() => parseEntityRef(ref)).toThrow(ref === '' ? 'Invalid entity ref' : `'${ref}'`);
  });

  it('parses as Backstage does: a slash before the colon means no kind, and compound refs take defaults', () => {
    expect(parseEntityRef('ns/team-a', { defaultKind: 'Group' })).toEqual({
      kind: 'Group',
      namespace: 'ns',
      name: 'team-a',
    });
    expect(parseEntityRef({ name: 'cart' }, { defaultKind: 'Component', defaultNamespace: 'shop' })).toEqual({
      kind: 'Component',
      namespace: 'shop',
      name: 'cart',
    });
    expect(() => parseEntityRef({ name: 'cart' })).toThrow('it names no kind');
  });

  it('writes every part in lower case, as Backstage does, with the default namespace', () => {
    expect(stringifyEntityRef({ kind: 'API', namespace: 'Payments', name: 'Cart-API' })).toBe('api:payments/cart-api');
    expect(stringifyEntityRef({ kind: 'API', name: 'Cart-API' })).toBe('api:default/cart-api');
    expect(stringifyEntityRef({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'ada' } })).toBe(
      'user:default/ada',
    );
  });
});
