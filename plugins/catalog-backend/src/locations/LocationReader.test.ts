import { CatalogProcessor, processingResult } from '@trellis/plugin-catalog-node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocationReader, ReadUrl } from './LocationReader';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => quiet };

const group = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: ${name} }\nspec: { type: team, children: [] }\n`;

const names = (result: { entities: { entity: { metadata: { name: string } }; locationKey?: string }[] }, dir: string) =>
  result.entities.map((e) => [e.entity.metadata.name, e.locationKey!.replace(`file:${dir}/`, '')]);

const problems = (result: { retain: { locationKey: string; message?: string }[] }) =>
  result.retain.filter((r) => r.message !== undefined).map((r) => [path.basename(r.locationKey), r.message!]);

describe('LocationReader on files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-locations-'));
  fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'a', 'one.yaml'), `${group('one')}---\n---\n${group('two')}`);
  fs.writeFileSync(path.join(dir, 'a', 'b', 'three.yaml'), group('three'));
  fs.writeFileSync(path.join(dir, 'a', 'b', 'broken.yaml'), 'kind: [');
  fs.writeFileSync(path.join(dir, 'a', 'b', 'big.yaml'), `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const reader = new LocationReader({ logger: quiet });

  it('reads every document of every file a glob matches, in path order, skipping empty documents', async () => {
    const result = await reader.read({ type: 'file', target: `${dir}/**/*.yaml` });
    expect(result.read).toBe(2);
    expect(names(result as never, dir)).toEqual([
      ['three', 'a/b/three.yaml'],
      ['one', 'a/one.yaml'],
      ['two', 'a/one.yaml'],
    ]);
    expect(problems(result)).toEqual([
      ['big.yaml', expect.stringContaining('more than the 5242880 an entity file may have')],
      ['broken.yaml', expect.stringContaining('YAML syntax error')],
    ]);
  });

  it('annotates each entity with the file it was read from and the configured location it was reached from', async () => {
    const origin = { type: 'file', target: `${dir}/a/*.yaml` };
    const [first] = (await reader.read(origin)).entities;
    expect(first!.entity.metadata.annotations).toEqual({
      'backstage.io/managed-by-location': `file:${dir}/a/one.yaml`,
      'backstage.io/managed-by-origin-location': `file:${dir}/a/*.yaml`,
    });
  });

  it('treats a configured file that does not exist as empty (its entities go)', async () => {
    const result = await reader.read({ type: 'file', target: path.join(dir, 'missing.yaml') });
    expect(result.entities).toEqual([]);
    expect(result.retain).toEqual([]);
  });

  it('reads only regular files inside the folder: links out of it, devices and FIFOs are refused unread', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'file-locations-special-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'file-locations-outside-'));
    try {
      fs.writeFileSync(path.join(root, 'fine.yaml'), group('fine'));
      fs.writeFileSync(path.join(outside, 'secret.yaml'), group('secret'));
      fs.symlinkSync('/dev/zero', path.join(root, 'zero.yaml'));
      fs.symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, 'secret.yaml'));
      fs.symlinkSync(path.join(root, 'fine.yaml'), path.join(root, 'alias.yaml'));
      fs.symlinkSync(outside, path.join(root, 'elsewhere'));
      execFileSync('mkfifo', [path.join(root, 'pipe.yaml')]);
      const glob = await reader.read({ type: 'file', target: `${root}/**/*.yaml` });
      expect(names(glob as never, root)).toEqual([
        ['fine', 'alias.yaml'],
        ['fine', 'fine.yaml'],
      ]);
      expect(problems(glob).map(([file, message]) => `${file} ${message.split(': ').slice(1).join(': ')}`)).toEqual([
        'pipe.yaml is a FIFO; only regular files are read',
        `secret.yaml leads outside ${root}, the folder of the configured location it was reached from`,
        `zero.yaml leads outside ${root}, the folder of the configured location it was reached from`,
      ]);
      for (const [file, message] of [
        ['pipe.yaml', 'is a FIFO; only regular files are read'],
        ['zero.yaml', 'leads outside'],
      ]) {
        const single = await reader.read({ type: 'file', target: path.join(root, file!) });
        expect(single.entities).toEqual([]);
        expect(problems(single).map(([, m]) => m)).toEqual([expect.stringContaining(message!)]);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('LocationReader on URLs', () => {
  const location = (targets: string[]) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: root }\nspec: { targets: ${JSON.stringify(targets)} }\n`;
  const files: Record<string, { body: string; etag: string }> = {
    'https://git.example/org/repo/blob/main/catalog-info.yaml': {
      body: location(['./teams/a.yaml', '/etc/passwd']),
      etag: '"root-1"',
    },
    'https://git.example/org/repo/blob/main/teams/a.yaml': { body: group('a'), etag: '"a-1"' },
  };
  const reads: string[] = [];
  const readUrl: ReadUrl = async (url, { etag }) => {
    reads.push(`${url} ${etag ?? '-'}`);
    const file = files[url];
    if (!file) {
      throw new Error(`${url} answered 404`);
    }
    return etag === file.etag ? { notModified: true } : { data: Buffer.from(file.body), etag: file.etag };
  };
  const reader = new LocationReader({ logger: quiet, readUrl });
  const origin = { type: 'url', target: 'https://git.example/org/repo/blob/main/catalog-info.yaml' };

  it('follows Location targets relative to the URL, and refuses file targets a remote file names', async () => {
    const result = await reader.read(origin);
    expect(result.entities.map((e) => [e.entity.metadata.name, e.locationKey])).toEqual([
      ['root', 'url:https://git.example/org/repo/blob/main/catalog-info.yaml'],
      ['a', 'url:https://git.example/org/repo/blob/main/teams/a.yaml'],
    ]);
    expect(result.retain).toEqual([
      { locationKey: 'url:https://git.example/etc/passwd', message: expect.stringContaining('404') },
    ]);
    expect([...result.etags]).toEqual([
      ['url:https://git.example/org/repo/blob/main/catalog-info.yaml', '"root-1"'],
      ['url:https://git.example/org/repo/blob/main/teams/a.yaml', '"a-1"'],
    ]);
  });

  it('passes the etags of the last read, keeps unchanged URLs, and follows their stored Location entities', async () => {
    const first = await reader.read(origin);
    reads.length = 0;
    files['https://git.example/org/repo/blob/main/teams/a.yaml'] = { body: group('a2'), etag: '"a-2"' };
    const stored = first.entities.filter((e) => e.locationKey === `url:${origin.target}`).map((e) => e.entity);
    const second = await reader.read(origin, {
      etags: first.etags,
      storedAt: async (key) => (key === `url:${origin.target}` ? stored : []),
    });
    expect(reads).toEqual([
      `${origin.target} "root-1"`,
      'https://git.example/org/repo/blob/main/teams/a.yaml "a-1"',
      'https://git.example/etc/passwd -',
    ]);
    expect(second.unchanged).toBe(1);
    expect(second.read).toBe(1);
    expect(second.entities.map((e) => e.entity.metadata.name)).toEqual(['a2']);
    expect(second.retain[0]).toEqual({ locationKey: `url:${origin.target}` });
  });

  it('reports a URL location as unreadable when the backend has no URL reader', async () => {
    const result = await new LocationReader({ logger: quiet }).read(origin);
    expect(result.retain).toEqual([
      { locationKey: `url:${origin.target}`, message: expect.stringContaining('has no URL reader') },
    ]);
  });
});

describe('LocationReader with processors', () => {
  it("reads other location types through a processor's readLocation", async () => {
    const processor: CatalogProcessor = {
      getProcessorName: () => 'inline',
      async readLocation(location, _optional, emit, parser) {
        if (location.type !== 'inline') {
          return false;
        }
        for await (const result of parser({ data: Buffer.from(group(location.target)), location })) {
          emit(result);
        }
        emit(processingResult.inputError(location, 'one document was skipped'));
        return true;
      },
    };
    const reader = new LocationReader({ logger: quiet, processors: [processor] });
    const result = await reader.read({ type: 'inline', target: 'ops' });
    expect(result.entities.map((e) => [e.entity.metadata.name, e.locationKey])).toEqual([['ops', 'inline:ops']]);
    expect(result.retain).toEqual([{ locationKey: 'inline:ops', message: 'inline:ops: one document was skipped' }]);
    const unknown = await reader.read({ type: 'ftp', target: 'x' });
    expect(unknown.retain).toEqual([
      { locationKey: 'ftp:x', message: "ftp:x: no processor reads locations of type 'ftp'" },
    ]);
  });
});
