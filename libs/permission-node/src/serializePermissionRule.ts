import type { MetadataResponseSerializedRule, PermissionRule } from '@trellis/plugin-permission-common';

/**
 * A rule as a plugin's metadata endpoint describes it, with the JSON Schema of its parameters
 * when its schema can describe itself (Standard JSON Schema, as zod 4 does).
 *
 * @public
 */
export function serializePermissionRule(
  rule: PermissionRule<unknown, unknown, string, any>,
): MetadataResponseSerializedRule {
  const jsonSchema = rule.paramsSchema?.['~standard'].jsonSchema?.input({ target: 'draft-07' });
  return {
    name: rule.name,
    description: rule.description,
    resourceType: rule.resourceType,
    ...(jsonSchema ? { paramsSchema: jsonSchema } : {}),
  };
}
