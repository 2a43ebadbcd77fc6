import { createRequire } from 'node:module';
import { v7 as uuidv7, validate, version } from 'uuid';

// uuid 13 ships only ES modules; the shared Jest preset compiles it because its package.json
// says so, not because anyone listed it.
describe('an ES-module-only dependency', () => {
  it('loads in a CommonJS Jest test', () => {
    const id = uuidv7();
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
  });

  it('is one: its package.json offers no require() entry', () => {
    const pkg = createRequire(__filename)('uuid/package.json') as { type?: string; version: string };
    expect(pkg.type).toBe('module');
    expect(Number(pkg.version.split('.')[0])).toBeGreaterThanOrEqual(13);
  });
});
