import { ConfigSchema, JsonObject, JsonValue } from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';
import Ajv, { ErrorObject } from 'ajv';
import { ConfigLayer, ConfigReader } from './ConfigReader';

/** A plugin's config schema, and those its modules declare for the same key. @public */
export interface PluginConfigSchema {
  pluginId: string;
  schema: ConfigSchema;
  modules?: { moduleId: string; schema: ConfigSchema }[];
}

/**
 * Validates each plugin's config key against its schema and its modules' schemas, and returns the
 * layers with the schema defaults added as the lowest-priority layer. Every violation of every
 * plugin and module is reported in one error naming the plugin (or module), the key and the file
 * the value came from.
 *
 * @public
 */
export function applyConfigSchemas(layers: ConfigLayer[], schemas: PluginConfigSchema[]): ConfigLayer[] {
  const reader = ConfigReader.fromLayers(layers);
  // No meta-schema validation: compiling the draft-07 meta-schema cost ~30 ms of every start,
  // and Ajv still refuses a malformed schema at compile time (`required value must be ["array"]`).
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, validateSchema: false });
  ajv.addKeyword({ keyword: 'visibility', schemaType: 'string' });
  const defaults: ConfigLayer[] = [];
  const problems: string[] = [];
  for (const { pluginId, schema, modules = [] } of schemas) {
    const value = structuredClone(reader.getOptional<JsonValue>(pluginId) ?? {});
    const found: string[] = [];
    // One value through every schema, so each adds its defaults to what the others see.
    for (const [owner, ownerSchema] of [
      [`Plugin '${pluginId}'`, schema] as const,
      ...modules.map(moduleOwner(pluginId)),
    ]) {
      const validate = ajv.compile(ownerSchema);
      if (!validate(value)) {
        found.push(...(validate.errors ?? []).map((error) => describeError(owner, pluginId, error, reader)));
      }
    }
    problems.push(...found);
    if (found.length === 0) {
      defaults.push({ data: { [pluginId]: value } as JsonObject, context: `${pluginId} config schema defaults` });
    }
  }
  if (problems.length > 0) {
    throw new TrellisError(
      'TRELLIS_ERR_CONFIG_SCHEMA',
      `Invalid plugin configuration:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return [...defaults, ...layers];
}

function moduleOwner(pluginId: string) {
  return (module: { moduleId: string; schema: ConfigSchema }) =>
    [`Module '${module.moduleId}' for plugin '${pluginId}'`, module.schema] as const;
}

function describeError(owner: string, pluginId: string, error: ErrorObject, reader: ConfigReader): string {
  const segments = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const extra = params.missingProperty ?? params.additionalProperty;
  const key = [pluginId, ...segments, ...(extra ? [extra] : [])].join('.');
  const context = reader.contextOf(key) ?? reader.contextOf([pluginId, ...segments].join('.')) ?? 'no config file';
  const detail =
    error.keyword === 'additionalProperties'
      ? 'is not a known setting'
      : error.keyword === 'required'
        ? 'is required'
        : (error.message ?? 'is invalid');
  return `${owner}: config key '${key}' ${detail} (in '${context}')`;
}
