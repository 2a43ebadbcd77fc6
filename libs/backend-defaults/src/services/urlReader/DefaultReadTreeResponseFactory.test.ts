import { InputError, PayloadTooLargeError } from '@trellis/errors';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { DefaultReadTreeResponseFactory } from './DefaultReadTreeResponseFactory';
import { buildTarball, TarEntry } from './testing/buildTarball';

const factory = DefaultReadTreeResponseFactory.create({ maxTreeBytes: 1024 * 1024, maxTreeFiles: 3 });
const fromEntries = (entries: TarEntry[], extra: { subpath?: string; stripFirstDirectory?: boolean } = {}) =>
  factory.fromTarArchive({ stream: Readable.from([buildTarball(entries)]), etag: 'sha', ...extra });

describe('DefaultReadTreeResponseFactory', () => {
  it('refuses a tree with more files than maxTreeFiles', async () => {
    const entries = ['a', 'b', 'c', 'd'].map((name) => ({ path: `root/${name}.txt`, content: name }));
    await expect(fromEntries(entries)).rejects.toThrow(PayloadTooLargeError);
    await expect(fromEntries(entries)).rejects.toThrow(/more than 3 files \(backend\.reading\.maxTreeFiles\)/);
  });

  it('stops a compressed bomb once the unpacked bytes pass maxTreeBytes', async () => {
    const bomb = buildTarball([{ path: 'root/zeros.bin', content: Buffer.alloc(8 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(factory.fromTarArchive({ stream: Readable.from([bomb]), etag: 'sha' })).rejects.toThrow(
      /larger than 1048576 bytes unpacked/,
    );
  });

  it('counts only the files the filter keeps', async () => {
    const entries = ['a', 'b', 'c', 'd'].map((name) => ({ path: `root/${name}.txt`, content: name }));
    const tree = await factory.fromTarArchive({
      stream: Readable.from([buildTarball(entries)]),
      etag: 'sha',
      filter: (path) => path !== 'd.txt',
    });
    expect((await tree.files()).map((f) => f.path)).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it('keeps the subpath only, relative to it, and skips links inside the tree', async () => {
    const tree = await fromEntries(
      [
        { path: 'root/docs/a.md', content: 'a' },
        { path: 'root/docs-other/b.md', content: 'b' },
        { path: 'root/docs/alias.md', type: 'symlink', target: 'a.md' },
      ],
      { subpath: 'docs' },
    );
    expect((await tree.files()).map((f) => f.path)).toEqual(['a.md']);
  });

  it('refuses a link that climbs into the wrapping folder of another tree', async () => {
    await expect(
      fromEntries([{ path: 'root/docs/x', type: 'symlink', target: '../../other-root/secret' }]),
    ).rejects.toThrow(/pointing outside the tree/);
  });

  it('refuses a body that is not a tar archive with an InputError', async () => {
    const garbage = zlib.gzipSync(Buffer.from('this is not a tar archive'.repeat(40)));
    await expect(factory.fromTarArchive({ stream: Readable.from([garbage]), etag: 'sha' })).rejects.toThrow(InputError);
  });

  it('refuses file lists with paths that leave the tree', async () => {
    await expect(
      factory.fromFiles({ etag: 'x', files: [{ path: '../up', content: Buffer.from('') }] }),
    ).rejects.toThrow(/must be relative/);
  });
});
