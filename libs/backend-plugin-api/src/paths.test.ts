import path from 'node:path';
import { isChildPath, resolveSafeChildPath } from './paths';

describe('child paths', () => {
  const base = path.resolve('/srv/data');

  it('treats the base and paths below it as children, and nothing else', () => {
    expect(isChildPath(base, base)).toBe(true);
    expect(isChildPath(base, path.join(base, 'a', 'b.txt'))).toBe(true);
    expect(isChildPath(base, 'a/../b')).toBe(true);
    expect(isChildPath(base, path.join(base, '..', 'data-other'))).toBe(false);
    expect(isChildPath(base, '../data')).toBe(true);
    expect(isChildPath(base, '/etc/passwd')).toBe(false);
    expect(isChildPath(base, '..')).toBe(false);
  });

  it('resolves user input inside the base and refuses escapes with a 403 error', () => {
    expect(resolveSafeChildPath(base, 'reports/x.json')).toBe(path.join(base, 'reports', 'x.json'));
    expect(() => resolveSafeChildPath(base, '../../etc/passwd')).toThrow(
      expect.objectContaining({ name: 'NotAllowedError' }),
    );
    expect(() => resolveSafeChildPath(base, '/etc/passwd')).toThrow(/outside the allowed directory/);
  });
});
