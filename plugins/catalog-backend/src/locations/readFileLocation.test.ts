import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_FILE_BYTES, readCatalogFile } from './readFileLocation';

describe('readCatalogFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-catalog-file-'));
  const realDir = fs.promises.realpath(dir);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['an empty', 0],
    ['a small', 517],
    ['a larger', 100_000],
    ['a 5 MiB', MAX_FILE_BYTES],
  ])('reads %s file whole, holding no more memory than it needs', async (name, size) => {
    const file = path.join(dir, `${name}.yaml`);
    const bytes = Buffer.alloc(size, 'a');
    fs.writeFileSync(file, bytes);
    const read = await readCatalogFile(file, dir, realDir);
    expect(read.equals(bytes)).toBe(true);
    // Not a 5 MiB buffer per file, as every read took before.
    expect(read.buffer.byteLength).toBeLessThanOrEqual(Math.max(size + 1, 16 * 1024));
  });

  it('reads a file that claims no size but has content, as those of /proc', async () => {
    const status = await readCatalogFile('/proc/self/status', '/proc/self', fs.promises.realpath('/proc/self'));
    expect(fs.statSync('/proc/self/status').size).toBe(0);
    expect(status.toString('utf8')).toMatch(/^Name:/);
    expect(status.length).toBeGreaterThan(100);
  });

  it('refuses a file over the limit', async () => {
    const file = path.join(dir, 'big.yaml');
    fs.writeFileSync(file, Buffer.alloc(MAX_FILE_BYTES + 1, 'a'));
    await expect(readCatalogFile(file, dir, realDir)).rejects.toThrow(/more than the 5242880/);
  });
});
