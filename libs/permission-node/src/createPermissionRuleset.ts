import { InputError } from '@trellis/errors';
import type {
  PermissionCondition,
  PermissionRule,
  PermissionRuleParams,
  PermissionRuleset,
} from '@trellis/plugin-permission-common';

/**
 * A ruleset over a list of rules (the last rule of a name wins). Unknown names are an
 * `InputError`, since conditions arrive in requests.
 *
 * @public
 */
export function createPermissionRuleset<TResource, TQuery, TResourceType extends string = string>(
  rules: Iterable<PermissionRule<TResource, TQuery, TResourceType, any>>,
): PermissionRuleset<TResource, TQuery, TResourceType> {
  const byName = new Map<string, PermissionRule<TResource, TQuery, TResourceType>>();
  for (const rule of rules) {
    byName.set(rule.name, rule);
  }
  return {
    getRuleByName(name) {
      const rule = byName.get(name);
      if (!rule) {
        const known = [...byName.keys()].join(', ') || 'none';
        throw new InputError(`Unknown permission rule '${name}'; known rules: ${known}`);
      }
      return rule;
    },
  };
}

/**
 * The parameters of a condition, checked by its rule's params schema (with the schema's
 * defaults applied); an `InputError` names the rule and the fault.
 *
 * @public
 */
export function validateRuleParams(
  rule: PermissionRule<unknown, unknown, string, any>,
  condition: PermissionCondition,
): PermissionRuleParams {
  if (condition.resourceType !== rule.resourceType) {
    throw new InputError(
      `Condition on rule '${rule.name}' is for resource type '${condition.resourceType}', but the rule is for '${rule.resourceType}'`,
    );
  }
  const schema = rule.paramsSchema;
  if (!schema) {
    return condition.params;
  }
  const result = schema['~standard'].validate(condition.params ?? {});
  if (result instanceof Promise || (typeof result === 'object' && result !== null && 'then' in result)) {
    throw new Error(
      `The params schema of permission rule '${rule.name}' is asynchronous; rules need a synchronous one`,
    );
  }
  const checked = result as {
    value?: unknown;
    issues?: ReadonlyArray<{ message: string; path?: ReadonlyArray<unknown> }>;
  };
  if (checked.issues) {
    const detail = checked.issues
      .map((issue) => {
        const path = (issue.path ?? []).map((p) =>
          typeof p === 'object' && p !== null ? (p as { key: unknown }).key : p,
        );
        return path.length > 0 ? `${path.join('.')}: ${issue.message}` : issue.message;
      })
      .join('; ');
    throw new InputError(`Invalid params for permission rule '${rule.name}': ${detail}`);
  }
  return checked.value as PermissionRuleParams;
}
