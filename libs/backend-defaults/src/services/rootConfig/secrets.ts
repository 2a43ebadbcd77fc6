import { Config, JsonValue } from '@trellis/backend-plugin-api';
import { PluginConfigSchema } from './configSchemas';

const SECRET_KEY = /(password|secret|token|privateKey|apiKey|passphrase)$/i;

/**
 * The config values that must never be logged: values at schema paths marked
 * `visibility: 'secret'`, every string under a key that names a secret (`password`, `token`, ...),
 * and passwords inside connection URLs.
 *
 * @public
 */
export function collectSecretValues(config: Config, schemas: PluginConfigSchema[] = []): string[] {
  const secrets = new Set<string>();
  walk(config.getOptional<JsonValue>() ?? {}, [], (path, value) => {
    if (typeof value !== 'string') {
      return;
    }
    if (SECRET_KEY.test(path[path.length - 1] ?? '')) {
      secrets.add(value);
    }
    const urlPassword = passwordInUrl(value);
    if (urlPassword) {
      secrets.add(urlPassword);
    }
  });
  for (const { pluginId, schema, modules = [] } of schemas) {
    for (const path of [schema, ...modules.map((m) => m.schema)].flatMap((s) => secretPaths(s, [pluginId]))) {
      const value = config.getOptional<JsonValue>(path.join('.'));
      walk(value ?? null, [], (_p, v) => typeof v === 'string' && secrets.add(v));
    }
  }
  return [...secrets].filter((s) => s.length > 0);
}

function walk(value: JsonValue, path: string[], visit: (path: string[], value: JsonValue) => void): void {
  visit(path, value);
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, [...path, String(i)], visit));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (v !== undefined) {
        walk(v, [...path, key], visit);
      }
    }
  }
}

function secretPaths(schema: unknown, path: string[]): string[][] {
  if (typeof schema !== 'object' || schema === null) {
    return [];
  }
  const node = schema as { visibility?: string; properties?: Record<string, unknown> };
  if (node.visibility === 'secret') {
    return [path];
  }
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => secretPaths(child, [...path, key]));
}

function passwordInUrl(value: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@/\s]+)@/i.exec(value);
  return match ? decodeURIComponent(match[1]) : undefined;
}
