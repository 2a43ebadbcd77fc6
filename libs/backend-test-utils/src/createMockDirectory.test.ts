import fs from 'node:fs';
import { createMockDirectory } from './createMockDirectory';

describe('createMockDirectory', () => {
  it('writes, adds to, reads back and clears a tree of files', () => {
    const dir = createMockDirectory({ content: { 'a.txt': 'a', sub: { 'b.bin': Buffer.from([0xff, 0x00]) } } });
    dir.addContent({ sub: { 'c.txt': 'c' }, link: ({ symlink }) => symlink(dir.resolve('a.txt')) });
    expect(fs.readFileSync(dir.resolve('link'), 'utf8')).toBe('a');
    expect(dir.content({ path: 'sub' })).toEqual({ 'b.bin': Buffer.from([0xff, 0x00]), 'c.txt': 'c' });
    dir.setContent({ 'only.txt': 'x' });
    expect(dir.content()).toEqual({ 'only.txt': 'x' });
    dir.clear();
    expect(dir.content()).toEqual({});
    dir.remove();
    expect(fs.existsSync(dir.path)).toBe(false);
  });

  it('refuses paths that leave the directory', () => {
    const dir = createMockDirectory();
    expect(() => dir.resolve('..', 'elsewhere')).toThrow(/outside the mock directory/);
    expect(() => dir.addContent({ '../escape.txt': 'x' })).toThrow(/outside the mock directory/);
  });
});
