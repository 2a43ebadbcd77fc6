import { selectFields } from './parseQuery';

describe('selectFields', () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).trellisPolluted;
  });

  it('never reads or writes a prototype, even for paths the parsers would refuse', () => {
    const entity = JSON.parse('{"kind":"Component","metadata":{"name":"a","__proto__":{"trellisPolluted":"yes"}}}');
    const selected = selectFields(entity, [
      ['metadata', '__proto__', 'trellisPolluted'],
      ['__proto__', 'trellisPolluted'],
      ['constructor', 'prototype', 'trellisPolluted'],
      ['kind'],
    ]);
    expect(({} as Record<string, unknown>).trellisPolluted).toBeUndefined();
    // The entity's own `__proto__` key is data and is copied as data, not as a prototype.
    expect(JSON.stringify(selected)).toBe('{"metadata":{"__proto__":{"trellisPolluted":"yes"}},"kind":"Component"}');
    expect(selectFields({ kind: 'x' }, [['toString'], ['hasOwnProperty']])).toEqual({});
  });

  it('keeps a whole subtree when both it and a path inside it are selected, in either order', () => {
    const entity = { metadata: { name: 'a', namespace: 'default' } };
    expect(selectFields(entity, [['metadata', 'name'], ['metadata']])).toEqual({ metadata: entity.metadata });
    expect(selectFields(entity, [['metadata'], ['metadata', 'name']])).toEqual({ metadata: entity.metadata });
    expect(entity.metadata).toEqual({ name: 'a', namespace: 'default' });
  });
});
