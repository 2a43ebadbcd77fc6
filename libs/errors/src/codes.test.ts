import fs from 'node:fs';
import path from 'node:path';
import { errorCodes } from './codes';

describe('error codes', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/errors.md'), 'utf8');
  const documented = [...doc.matchAll(/^\| (TRELLIS_ERR_[A-Z_]+) \|/gm)].map((m) => m[1]);

  it('documents every code', () => {
    const missing = Object.keys(errorCodes).filter((code) => !documented.includes(code));
    expect(missing).toEqual([]);
  });

  it('documents no code that is gone', () => {
    const gone = documented.filter((code) => !(code in errorCodes));
    expect(gone).toEqual([]);
  });
});
