import zlib from 'node:zlib';

/** One entry of a test archive; paths are written exactly as given, hostile ones included. */
export type TarEntry =
  | { path: string; content: string | Buffer }
  | { path: string; type: 'dir' }
  | { path: string; type: 'symlink' | 'hardlink'; target: string };

const MTIME = new Date('2026-11-01T12:00:00Z');

/** Builds a gzipped ustar archive byte by byte, so tests control every header. */
export function buildTarball(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = 'content' in entry ? Buffer.from(entry.content) : Buffer.alloc(0);
    const type = 'type' in entry ? ({ dir: '5', symlink: '2', hardlink: '1' } as const)[entry.type] : '0';
    const target = 'target' in entry ? entry.target : '';
    blocks.push(header(entry.path, content.length, type, target));
    blocks.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}

function header(path: string, size: number, type: string, linkname: string): Buffer {
  const block = Buffer.alloc(512);
  block.write(path, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(Math.floor(MTIME.getTime() / 1000), 12), 136);
  block.write('        ', 148);
  block.write(type, 156);
  block.write(linkname, 157, 100, 'utf8');
  block.write('ustar\u000000', 257);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
  return block;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\u0000`;
}
