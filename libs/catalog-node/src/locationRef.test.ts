import { InputError } from '@trellis/errors';
import { parseLocationRef, stringifyLocationRef } from '.';

describe('location refs', () => {
  it('splits at the first colon and trims both parts', () => {
    expect(parseLocationRef('url:https://git.example/a/catalog-info.yaml')).toEqual({
      type: 'url',
      target: 'https://git.example/a/catalog-info.yaml',
    });
    expect(parseLocationRef(' file : /srv/catalog/*.yaml ')).toEqual({ type: 'file', target: '/srv/catalog/*.yaml' });
    expect(stringifyLocationRef({ type: 'url', target: 'https://x/y' })).toBe('url:https://x/y');
  });

  it.each([
    ['', "expected 'type:target'"],
    ['nocolon', "expected 'type:target'"],
    ['url:', "expected 'type:target'"],
    ['https://x/y', "write a URL as 'url:https://x/y'"],
    ['url:javascript:alert(1)', 'javascript: URL'],
    ['url: \tjava\nscript:alert(1)', 'javascript: URL'],
  ])('refuses %j with an InputError', (ref, message) => {
    expect(() => parseLocationRef(ref)).toThrow(InputError);
    expect(() => parseLocationRef(ref)).toThrow(message);
  });

  it('refuses to write an empty or javascript: location', () => {
    expect(() => stringifyLocationRef({ type: '', target: 'x' })).toThrow(InputError);
    expect(() => stringifyLocationRef({ type: 'url', target: 'javascript:alert(1)' })).toThrow('javascript: URL');
  });
});
