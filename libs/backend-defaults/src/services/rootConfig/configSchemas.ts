import { ConfigSchema, JsonObject, JsonValue } from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';
import Ajv, { ErrorObject } from 'ajv';
import { ConfigLayer, ConfigReader } from './ConfigReader';

/** A plugin's config schema. @public */
export interface PluginConfigSchema {
  pluginId: string;
  schema: ConfigSchema;
}

/**
 * Validates each plugin's config key against its schema and returns the layers with the schema
 * defaults added as the lowest-priority layer. Every violation of every plugin is reported in one
 * error naming the plugin, the key and the file the value came from.
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
  for (const { pluginId, schema } of schemas) {
    const value = structuredClone(reader.getOptional<JsonValue>(pluginId) ?? {});
    const validate = ajv.compile(schema);
    if (!validate(value)) {
      problems.push(...(validate.errors ?? []).map((error) => describeError(pluginId, error, reader)));
      continue;
    }
    defaults.push({ data: { [pluginId]: value } as JsonObject, context: `${pluginId} config schema defaults` });
  }
  if (problems.length > 0) {
    throw new TrellisError(
      'TRELLIS_ERR_CONFIG_SCHEMA',
      `Invalid plugin configuration:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return [...defaults, ...layers];
}

function describeError(pluginId: string, error: ErrorObject, reader: ConfigReader): string {
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
  return `Plugin '${pluginId}': config key '${key}' ${detail} (in '${context}')`;
}
