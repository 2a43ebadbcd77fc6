import { EntityProviderMutation } from '@trellis/plugin-catalog-node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileLocationProvider } from './FileLocationProvider';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => quiet };

function provider(target: string) {
  const applied: EntityProviderMutation[] = [];
  const instance = new FileLocationProvider({
    locations: [{ target }],
    logger: quiet,
    runner: { run: async () => {} },
  });
  return { instance, applied, connect: () => instance.connect({ applyMutation: async (m) => void applied.push(m) }) };
}

describe('FileLocationProvider', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-locations-'));
  fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  const group = (name: string) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: ${name} }\nspec: { type: team, children: [] }\n`;
  fs.writeFileSync(path.join(dir, 'a', 'one.yaml'), `${group('one')}---\n---\n${group('two')}`);
  fs.writeFileSync(path.join(dir, 'a', 'b', 'three.yaml'), group('three'));
  fs.writeFileSync(path.join(dir, 'a', 'b', 'broken.yaml'), 'kind: [');
  fs.writeFileSync(path.join(dir, 'a', 'b', 'big.yaml'), `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every document of every file a glob matches, in path order, skipping empty documents', async () => {
    const { entities, unreadable, files } = await provider(`${dir}/**/*.yaml`).instance.read();
    expect(files).toBe(4);
    expect(
      entities.map((e) => [(e.entity.metadata as { name: string }).name, path.relative(dir, e.location.target)]),
    ).toEqual([
      ['three', 'a/b/three.yaml'],
      ['one', 'a/one.yaml'],
      ['two', 'a/one.yaml'],
    ]);
    expect(unreadable.map((u) => [path.basename(u.location.target), u.message.replace(dir, '')])).toEqual([
      ['big.yaml', expect.stringContaining('more than the 5242880 an entity file may have')],
      ['broken.yaml', expect.stringContaining('YAML syntax error')],
    ]);
  });

  it('treats a configured file that does not exist as empty (its entities go)', async () => {
    const { entities, unreadable } = await provider(path.join(dir, 'missing.yaml')).instance.read();
    expect(entities).toEqual([]);
    expect(unreadable).toEqual([]);
  });

  it('applies one full mutation per refresh, and nothing when the run is aborted', async () => {
    const { instance, applied, connect } = provider(`${dir}/a/*.yaml`);
    await connect();
    await instance.refresh();
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ type: 'full', entities: [{}, {}], unreadable: [] });
    const controller = new AbortController();
    controller.abort();
    await expect(instance.refresh(controller.signal)).rejects.toThrow();
    expect(applied).toHaveLength(1);
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
      const glob = await provider(`${root}/**/*.yaml`).instance.read();
      expect(
        glob.entities.map((e) => [(e.entity.metadata as { name: string }).name, path.basename(e.location.target)]),
      ).toEqual([
        ['fine', 'alias.yaml'],
        ['fine', 'fine.yaml'],
      ]);
      expect(
        glob.unreadable.map(
          (u) => `${path.basename(u.location.target)} ${u.message.slice(u.location.target.length + 2)}`,
        ),
      ).toEqual([
        'pipe.yaml is a FIFO; only regular files are read',
        `secret.yaml leads outside ${root}, the folder of the configured location it was reached from`,
        `zero.yaml leads outside ${root}, the folder of the configured location it was reached from`,
      ]);
      for (const [file, message] of [
        ['pipe.yaml', 'is a FIFO; only regular files are read'],
        ['zero.yaml', 'leads outside'],
      ]) {
        const single = await provider(path.join(root, file!)).instance.read();
        expect(single.entities).toEqual([]);
        expect(single.unreadable.map((u) => u.message)).toEqual([expect.stringContaining(message!)]);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
