import type { Knex } from 'knex';

type KnexFactory = (config: Knex.Config) => Knex;

let factory: KnexFactory | undefined;

/**
 * Loads knex, once, when the first plugin asks for its database. Nothing of knex (nor a driver)
 * is loaded by importing this package, so a backend whose database service is replaced never
 * loads it.
 */
export async function loadKnex(): Promise<void> {
  if (!factory) {
    const loaded = await import('knex');
    // CommonJS `export =`: the module itself, or its default under ES module interop.
    factory = ((loaded as { knex?: KnexFactory }).knex ?? loaded.default) as KnexFactory;
  }
}

/** Creates a knex client; {@link loadKnex} must have finished before. */
export function createKnex(config: Knex.Config): Knex {
  if (!factory) {
    throw new Error('knex was used before loadKnex() finished');
  }
  return factory(config);
}
