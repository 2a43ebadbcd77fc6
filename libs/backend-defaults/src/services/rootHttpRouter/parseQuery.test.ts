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

  it('reads name[0], name[1], ... as a list in index order, as qs.stringify writes lists', () => {
    // What @backstage/plugin-search's client sends for the types to search.
    expect(parseQuery('term=x&types%5B1%5D=techdocs&types%5B0%5D=software-catalog')).toEqual({
      term: 'x',
      types: ['software-catalog', 'techdocs'],
    });
    expect(parseQuery('types[0]=a')).toEqual({ types: ['a'] });
    expect(parseQuery('ids=a&ids[1]=c&ids[]=d&ids[0]=b')).toEqual({ ids: ['a', 'b', 'c', 'd'] });
    // Not an index: stays a plain key.
    expect(parseQuery('a[12345]=x&a[-1]=y')).toEqual({ 'a[12345]': 'x', 'a[-1]': 'y' });
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
