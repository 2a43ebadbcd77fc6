import { createPathPredicate } from './pathPolicy';

describe('createPathPredicate', () => {
  it.each([
    ['/public', '/public', true],
    ['/public', '/public/', true],
    ['/public', '/public/x/y', true],
    ['/public', '/PUBLIC/x', true],
    ['/Public', '/public', true],
    ['/public', '/publicity', false],
    ['/public', '/', false],
    ['/public', '//public', false],
    ['/public', '/x/public', false],
    ['/public', '/%70ublic', false],
    ['/a/b', '/a/b/c', true],
    ['/a/b', '/a/bc', false],
    ['/a/b', '/a', false],
    ['/', '/anything/at/all', true],
    ['/items/:id/preview', '/items/1/preview', true],
    ['/items/:id/preview', '/ITEMS/1/Preview/x', true],
    ['/items/:id/preview', '/items//preview', false],
    ['/items/:id/preview', '/items/1', false],
    ['/items/:id/preview', '/items/1/previews', false],
  ])('policy %p covers %p: %p', (policy, path, covered) => {
    expect(createPathPredicate(policy)(path)).toBe(covered);
  });
});
