import { ProcessedEntity } from '../processing/EntityProcessor';
import { etagOf, planMutation, StoredEntityHead } from './planMutation';

function processed(name: string, hash = `${name}-hash`.padEnd(64, '0'), locationKey = `file:/c/${name}.yaml`) {
  return {
    entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name } },
    ref: `component:default/${name}`,
    relations: [],
    locationKey,
    hash,
  } satisfies ProcessedEntity;
}

function stored(entity: ProcessedEntity, overrides: Partial<StoredEntityHead> = {}): StoredEntityHead {
  return {
    entity_key: entity.ref,
    uid: `uid-${entity.ref}`,
    provider: 'p',
    etag: etagOf(entity),
    location_key: entity.locationKey,
    origin_key: null,
    ...overrides,
  };
}

const state = (existing: StoredEntityHead[], owned = existing) => ({
  existing: new Map(existing.map((row) => [row.entity_key, row])),
  owned,
});

describe('planMutation', () => {
  it('adds new entities, updates changed ones and skips unchanged ones', () => {
    const [same, changed, fresh] = [processed('same'), processed('changed'), processed('fresh')];
    const before = [stored(same), stored(changed, { etag: 'old' })];
    const plan = planMutation(
      { provider: 'p', mode: 'full', entities: [same, changed, fresh], failures: [] },
      state(before),
    );
    expect(plan.writes.map((w) => [w.processed.ref, w.current?.uid])).toEqual([
      ['component:default/changed', 'uid-component:default/changed'],
      ['component:default/fresh', undefined],
    ]);
    expect(plan.summary).toEqual({ added: 1, updated: 1, removed: 0, unchanged: 1, failed: 0 });
  });

  it('rewrites an unchanged entity that moved to another location', () => {
    const moved = processed('moved', undefined, 'file:/c/new.yaml');
    const plan = planMutation(
      { provider: 'p', mode: 'full', entities: [moved], failures: [] },
      state([stored(moved, { location_key: 'file:/c/old.yaml' })]),
    );
    expect(plan.summary.updated).toBe(1);
  });

  it('full: removes what is left out, but keeps entities of retained locations and of failed new versions', () => {
    const kept = processed('kept');
    const rows = [
      stored(kept),
      stored(processed('gone')),
      stored(processed('unreadable'), { location_key: 'url:https://x/y.yaml' }),
      stored(processed('broken')),
    ];
    const plan = planMutation(
      {
        provider: 'p',
        mode: 'full',
        entities: [kept],
        failures: [{ locationKey: 'file:/c/broken.yaml', ref: 'Component:default/Broken', message: 'no owner' }],
        retain: [{ locationKey: 'url:https://x/y.yaml', message: 'HTTP 500' }],
      },
      state([stored(kept)], rows),
    );
    expect(plan.removals).toEqual(['component:default/gone']);
    expect(plan.errors).toEqual([
      { location_key: 'file:/c/broken.yaml', entity_ref: 'Component:default/Broken', message: 'no owner' },
      { location_key: 'url:https://x/y.yaml', entity_ref: null, message: 'HTTP 500' },
    ]);
  });

  it('a retained location without a message (not modified) records no error', () => {
    const plan = planMutation(
      { provider: 'p', mode: 'full', entities: [], failures: [], retain: [{ locationKey: 'url:https://x' }] },
      state([], [stored(processed('a'), { location_key: 'url:https://x' })]),
    );
    expect(plan.removals).toEqual([]);
    expect(plan.errors).toEqual([]);
  });

  it('delta: removes only refs the provider holds, written in any case, and ignores malformed refs', () => {
    const plan = planMutation(
      {
        provider: 'p',
        mode: 'delta',
        entities: [],
        failures: [],
        removeRefs: ['Component:default/Mine', 'component:default/theirs', 'not a ref', 'component:default/mine'],
      },
      state([], [stored(processed('mine'))]),
    );
    expect(plan.removals).toEqual(['component:default/mine']);
    expect(plan.summary.removed).toBe(1);
  });

  it('refuses an entity another provider holds, one another location of the same provider holds, and a duplicate', () => {
    const [theirs, otherScope, twice] = [processed('theirs'), processed('scoped'), processed('twice')];
    const plan = planMutation(
      {
        provider: 'p',
        mode: 'full',
        scope: 'url:https://a/catalog-info.yaml',
        entities: [theirs, otherScope, twice, processed('twice', undefined, 'file:/c/again.yaml')],
        failures: [],
      },
      state(
        [stored(theirs, { provider: 'q' }), stored(otherScope, { origin_key: 'url:https://b/catalog-info.yaml' })],
        [],
      ),
    );
    expect(plan.writes.map((w) => w.processed.ref)).toEqual(['component:default/twice']);
    expect(plan.errors.map((e) => e.message)).toEqual([
      'component:default/twice is already defined in file:/c/twice.yaml',
      "component:default/theirs is already provided by 'q' from file:/c/theirs.yaml",
      'component:default/scoped is already provided by the location url:https://b/catalog-info.yaml',
    ]);
    expect(plan.summary.failed).toBe(3);
  });

  it('keeps apart what a provider applies itself and what it reached through its Location entities', () => {
    const [scoped, own] = [processed('scoped'), processed('own')];
    const target = 'url:https://a/catalog-info.yaml';
    const unscoped = planMutation(
      { provider: 'p', mode: 'delta', entities: [scoped], failures: [] },
      state([stored(scoped, { origin_key: target, etag: 'old' })], []),
    );
    expect(unscoped.writes).toEqual([]);
    expect(unscoped.errors.map((e) => e.message)).toEqual([
      `component:default/scoped is already provided by the location ${target}`,
    ]);
    const inScope = planMutation(
      { provider: 'p', mode: 'full', scope: target, entities: [own], failures: [] },
      state([stored(own, { etag: 'old' })], []),
    );
    expect(inScope.errors.map((e) => e.message)).toEqual(["component:default/own is already provided by 'p' itself"]);
  });
});
