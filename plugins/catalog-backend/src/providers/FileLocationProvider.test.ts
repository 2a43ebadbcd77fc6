import { EntityProviderMutation } from '@trellis/plugin-catalog-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileLocationProvider } from './FileLocationProvider';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => quiet };

function provider(target: string) {
  const applied: EntityProviderMutation[] = [];
  const instance = new FileLocationProvider({ locations: [{ target }], logger: quiet, runner: { run: async () => {} } });
  return { instance, applied, connect: () => instance.connect({ applyMutation: async m => void applied.push(m) }) };
}

describe('FileLocationProvider', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-locations-'));
  fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  const group = (name: string) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: ${name} }\nspec: { type: team, children: [] }\n`;
  fs.writeFileSync(path.join(dir, 'a', 'one.yaml'), `${group('one')}---\n---\n${group('two')}`);
  fs.writeFileSync(path.join(dir, 'a', 'b', 'three.yaml'), group('three'));
  fs.writeFileSync(path.join(dir, 'a', 'b', 'broken.yaml'), 'kind: [');
  fs.writeFileSync(path.join(dir, 'a', 'b', 'big.yaml'), `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every document of every file a glob matches, in path order, skipping empty documents', async () => {
    const { entities, unreadable, files } = await provider(`${dir}/**/*.yaml`).instance.read();
    expect(files).toBe(4);
    expect(entities.map(e => [(e.entity.metadata as { name: string }).name, path.relative(dir, e.location.target)])).toEqual([
      ['three', 'a/b/three.yaml'],
      ['one', 'a/one.yaml'],
      ['two', 'a/one.yaml'],
    ]);
    expect(unreadable.map(u => [path.basename(u.location.target), u.message.replace(dir, '')])).toEqual([
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
});
