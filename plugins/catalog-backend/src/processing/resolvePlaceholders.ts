import {
  CatalogProcessorEmit,
  Entity,
  EntityValue,
  LocationSpec,
  PlaceholderResolver,
  PlaceholderResolverParams,
} from '@trellis/plugin-catalog-node';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** The resolvers by key, and how their `read` reaches a file or URL named relative to an entity. */
export interface PlaceholderContext {
  resolvers: ReadonlyMap<string, PlaceholderResolver>;
  /** Reads `target`, already resolved against the entity's location, the way that location is read. */
  read(target: string, location: LocationSpec): Promise<Buffer>;
}

/** The built-in resolvers, as in Backstage: `$text`, `$json` and `$yaml` of a file or URL. */
export const builtInPlaceholderResolvers: ReadonlyMap<string, PlaceholderResolver> = new Map<
  string,
  PlaceholderResolver
>([
  ['text', async (params) => (await readRelative(params)).toString('utf8')],
  ['json', async (params) => JSON.parse((await readRelative(params)).toString('utf8')) as EntityValue],
  [
    'yaml',
    async (params) =>
      (parseYaml((await readRelative(params)).toString('utf8'), { maxAliasCount: 100 }) ?? null) as EntityValue,
  ],
]);

async function readRelative(params: PlaceholderResolverParams): Promise<Buffer> {
  if (typeof params.value !== 'string' || params.value.trim() === '') {
    throw new Error(`$${params.key} needs a path or URL relative to the entity's file, such as ./README.md`);
  }
  return params.read(params.resolveUrl(params.value, params.baseUrl));
}

/**
 * Replaces every `{ $<key>: value }` object whose key has a resolver with what the resolver
 * returns. An object with a `$` key that has no resolver is left as it is, for a processor that
 * knows it (the OpenAPI module's `$openapi`). A failing resolver fails the entity, naming the field.
 */
export async function resolvePlaceholders(
  entity: Entity,
  location: LocationSpec,
  emit: CatalogProcessorEmit,
  context: PlaceholderContext,
): Promise<Entity> {
  const visit = async (node: EntityValue, at: string): Promise<EntityValue> => {
    if (Array.isArray(node)) {
      return Promise.all(node.map((item, i) => visit(item, `${at}.${i}`)));
    }
    if (typeof node !== 'object' || node === null) {
      return node;
    }
    const keys = Object.keys(node);
    const resolver = keys.length === 1 && keys[0]!.startsWith('$') && context.resolvers.get(keys[0]!.slice(1));
    if (resolver) {
      return resolveOne(resolver, keys[0]!.slice(1), node[keys[0]!]!, at);
    }
    const out: { [key: string]: EntityValue } = {};
    for (const key of keys) {
      out[key] = await visit(node[key]!, at ? `${at}.${key}` : key);
    }
    return out;
  };
  const resolveOne = async (resolver: PlaceholderResolver, key: string, value: EntityValue, at: string) => {
    try {
      return await resolver({
        key,
        value,
        baseUrl: location.target,
        read: (target) => context.read(target, location),
        resolveUrl,
        emit,
      });
    } catch (error) {
      throw new Error(`'${at}' { $${key} } could not be resolved: ${(error as Error).message}`);
    }
  };
  const { metadata, ...rest } = entity;
  const resolved = (await visit(rest as unknown as EntityValue, '')) as unknown as Omit<Entity, 'metadata'>;
  return { ...resolved, metadata } as Entity;
}

/** `url` against `base`: a URL against a URL, or a path against the folder of a file path. */
export function resolveUrl(url: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(base)) {
    return new URL(url, base).toString();
  }
  return path.resolve(path.dirname(base), url);
}
