import { parseQuery } from './parseQuery';

describe('parseQuery', () => {
  it('reads name[] as a list, as Backstage clients send lists', () => {
    expect(parseQuery('ids[]=a&ids[]=b&entity=component:default/x')).toEqual({
      ids: ['a', 'b'],
      entity: 'component:default/x',
    });
    expect(parseQuery('ids[]=only')).toEqual({ ids: ['only'] });
    expect(parseQuery('ids=a&ids[]=b')).toEqual({ ids: ['a', 'b'] });
  });

  it('stays flat: repeated keys are arrays, brackets never nest, prototype keys are plain keys', () => {
    expect(parseQuery('filter=kind=api&filter=kind=component')).toEqual({ filter: ['kind=api', 'kind=component'] });
    expect(parseQuery('a[b]=c&[]=x')).toEqual({ 'a[b]': 'c', '[]': 'x' });
    const hostile = parseQuery('__proto__[]=x&constructor=y');
    expect(Object.getPrototypeOf(hostile)).toBeNull();
    expect(hostile.__proto__).toEqual(['x']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
