import { TestDatabases } from '@trellis/backend-test-utils';
import { DeferredEntity } from '@trellis/plugin-catalog-node';
import path from 'node:path';
import { EntityProcessor, isFailure, ProcessedEntity } from '../processing/EntityProcessor';
import { CatalogStore } from './CatalogStore';
import { EntityQueries } from './EntityQueries';

const databases = TestDatabases.create();
const processor = new EntityProcessor({ processors: [] });

async function processed(names: string[], owner = 'platform'): Promise<ProcessedEntity[]> {
  const deferred: (DeferredEntity & { provider: string })[] = names.map((name) => ({
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name },
      spec: { type: 'service', lifecycle: 'production', owner },
    },
    locationKey: `file:/catalog/${name}.yaml`,
    provider: 'test',
  }));
  const results = await Promise.all(deferred.map((d) => processor.process(d)));
  return results.map((r) => {
    if (isFailure(r)) throw new Error(r.message);
    return r;
  });
}

describe.each(databases.eachSupportedId())('CatalogStore on %s', (databaseId) => {
  let store: CatalogStore;
  let queries: EntityQueries;

  beforeAll(async () => {
    const db = await databases.init(databaseId);
    await db.migrate.latest({ directory: path.resolve(__dirname, '../../migrations') });
    store = CatalogStore.create(db);
    queries = EntityQueries.create(db);
  });

  it('serialises concurrent full mutations of one provider, so none fails and one of them is what stays', async () => {
    const first = await processed(Array.from({ length: 300 }, (_, i) => `c-${i}`));
    const second = await processed(
      Array.from({ length: 300 }, (_, i) => `c-${i}`),
      'other-team',
    );
    const results = await Promise.allSettled([
      store.applyMutation({ provider: 'racer', mode: 'full', entities: first, failures: [] }),
      store.applyMutation({ provider: 'racer', mode: 'full', entities: second, failures: [] }),
      store.applyMutation({ provider: 'racer', mode: 'full', entities: first, failures: [] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const query = { filter: [[{ key: 'kind', values: ['component'] }]] };
    expect(await queries.count(query)).toBe(300);
    const entities = await queries.getByKeys(await queries.listKeys(query));
    const owners = new Set(entities.map((e) => e?.spec?.owner));
    expect(owners.size).toBe(1);
  });

  it('writes nothing for an unchanged refresh and keeps providers apart', async () => {
    const entities = await processed(['solo']);
    await store.applyMutation({ provider: 'a', mode: 'full', entities, failures: [] });
    expect(await store.applyMutation({ provider: 'a', mode: 'full', entities, failures: [] })).toMatchObject({
      unchanged: 1,
      added: 0,
      updated: 0,
    });
    const taken = await store.applyMutation({ provider: 'b', mode: 'full', entities, failures: [] });
    expect(taken).toMatchObject({ added: 0, failed: 1 });
    expect((await store.listErrors(10))[0]!.message).toContain("already provided by 'a'");
    expect(await store.applyMutation({ provider: 'b', mode: 'full', entities: [], failures: [] })).toMatchObject({
      removed: 0,
    });
    expect((await queries.getByKeys(['component:default/solo']))[0]).toBeDefined();
  });

  it('applies deltas: adds and removes only what it names', async () => {
    const [one, two] = await processed(['delta-one', 'delta-two']);
    await store.applyMutation({ provider: 'd', mode: 'delta', entities: [one!, two!], failures: [] });
    const summary = await store.applyMutation({
      provider: 'd',
      mode: 'delta',
      entities: [],
      failures: [],
      removeRefs: ['Component:default/DELTA-ONE'],
    });
    expect(summary.removed).toBe(1);
    const [gone, kept] = await queries.getByKeys(['component:default/delta-one', 'component:default/delta-two']);
    expect(gone).toBeUndefined();
    expect(kept?.metadata.name).toBe('delta-two');
  });
});
