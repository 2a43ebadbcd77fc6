import { hostileCasesFor } from './hostileRequestCases';
import { findUnexpectedAnswers } from './sendHostileRequests';

describe('hostile values', () => {
  it('puts NUL, prototype paths and out-of-range numbers into every declared parameter and field', () => {
    const cases = hostileCasesFor(
      {
        method: 'PUT',
        path: '/api/x/items/1',
        json: true,
        query: { limit: '10', name: 'a' },
        body: { title: 't', version: 1, tags: ['a'] },
      },
      [],
      1024,
    );
    const text = cases.map((c) => c.data.toString('latin1'));
    expect(text.filter((t) => t.includes('?limit=a%00b'))).toHaveLength(1);
    expect(text.filter((t) => t.includes('?limit=2147483648'))).toHaveLength(1);
    expect(text.filter((t) => t.includes('?name=2147483648'))).toHaveLength(0);
    expect(text.filter((t) => t.includes('?name=__proto__.trellisPolluted'))).toHaveLength(1);
    expect(text.some((t) => t.endsWith('{"title":"a\\u0000b","version":1,"tags":["a"]}'))).toBe(true);
    expect(text.some((t) => t.endsWith('{"title":"t","version":9007199254740992,"tags":["a"]}'))).toBe(true);
    expect(
      text.some((t) => t.endsWith('{"title":"t","version":1,"tags":["\\u0000","a\\u0000b","x\\u0000","\\u0000x"]}')),
    ).toBe(true);
    expect(
      text.some((t) => t.endsWith('{"__proto__":{"trellisPolluted":true},"title":"t","version":1,"tags":["a"]}')),
    ).toBe(true);
  });

  it('reports a property a prototype gained as an unexpected answer', () => {
    expect(findUnexpectedAnswers([])).toEqual([]);
    (Object.prototype as Record<string, unknown>).trellisPolluted = true;
    try {
      expect(findUnexpectedAnswers([])).toEqual([
        "Object.prototype gained the property 'trellisPolluted' (prototype pollution)",
      ]);
    } finally {
      delete (Object.prototype as Record<string, unknown>).trellisPolluted;
    }
  });
});
