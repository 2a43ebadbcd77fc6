import type {
  PermissionCondition,
  PermissionCriteria,
  PermissionRule,
  PermissionRuleset,
  PolicyDecision,
} from '@trellis/plugin-permission-common';
import { createPermissionRuleset, validateRuleParams } from './createPermissionRuleset';
import { isAndCriteria, isNotCriteria, isOrCriteria } from './criteria';

function toRuleset<TResource, TQuery>(
  rules: PermissionRuleset<TResource, TQuery> | PermissionRule<TResource, TQuery, string>[],
): PermissionRuleset<TResource, TQuery> {
  return Array.isArray(rules) ? createPermissionRuleset(rules) : rules;
}

/**
 * Whether a resource meets conditions, each rule applied with its checked parameters.
 *
 * @public
 */
export function applyConditions<TResource>(
  criteria: PermissionCriteria<PermissionCondition>,
  resource: TResource,
  ruleset: PermissionRuleset<TResource, unknown>,
): boolean {
  if (isAndCriteria(criteria)) {
    return criteria.allOf.every((c) => applyConditions(c, resource, ruleset));
  }
  if (isOrCriteria(criteria)) {
    return criteria.anyOf.some((c) => applyConditions(c, resource, ruleset));
  }
  if (isNotCriteria(criteria)) {
    return !applyConditions(criteria.not, resource, ruleset);
  }
  const rule = ruleset.getRuleByName(criteria.rule);
  return rule.apply(resource, validateRuleParams(rule, criteria) as never);
}

/**
 * Checks conditions without a resource: every rule known and every parameter accepted by its
 * rule's schema; throws `InputError` otherwise. Applying conditions checks only the branches it
 * evaluates, so call this first when a fault must not depend on the resource.
 *
 * @public
 */
export function assertValidConditions(
  criteria: PermissionCriteria<PermissionCondition>,
  ruleset: PermissionRuleset<unknown, unknown>,
): void {
  if (isAndCriteria(criteria) || isOrCriteria(criteria)) {
    (isAndCriteria(criteria) ? criteria.allOf : criteria.anyOf).forEach((c) => assertValidConditions(c, ruleset));
    return;
  }
  if (isNotCriteria(criteria)) {
    assertValidConditions(criteria.not, ruleset);
    return;
  }
  validateRuleParams(ruleset.getRuleByName(criteria.rule), criteria);
}

/** Turns conditions into the owning plugin's query filters. @public */
export type ConditionTransformer<TQuery> = (
  conditions: PermissionCriteria<PermissionCondition>,
) => PermissionCriteria<TQuery>;

/**
 * Builds a {@link ConditionTransformer} from a ruleset (`permissionsRegistry.getPermissionRuleset`)
 * or a list of rules: each condition becomes its rule's `toQuery`, joined as the conditions were.
 *
 * @public
 */
export function createConditionTransformer<TQuery>(
  rules: PermissionRuleset<any, TQuery> | PermissionRule<any, TQuery, string>[],
): ConditionTransformer<TQuery> {
  const ruleset = toRuleset(rules);
  const transform: ConditionTransformer<TQuery> = (criteria) => {
    if (isAndCriteria(criteria)) {
      return { allOf: criteria.allOf.map(transform) as [PermissionCriteria<TQuery>, ...PermissionCriteria<TQuery>[]] };
    }
    if (isOrCriteria(criteria)) {
      return { anyOf: criteria.anyOf.map(transform) as [PermissionCriteria<TQuery>, ...PermissionCriteria<TQuery>[]] };
    }
    if (isNotCriteria(criteria)) {
      return { not: transform(criteria.not) };
    }
    const rule = ruleset.getRuleByName(criteria.rule);
    return rule.toQuery(validateRuleParams(rule, criteria) as never);
  };
  return transform;
}

/**
 * A function that decides a decision about one resource in memory: ALLOW and DENY as they are,
 * CONDITIONAL by applying the conditions (false when there is no resource).
 *
 * @public
 */
export function createConditionAuthorizer<TResource>(
  rules: PermissionRuleset<TResource, any> | PermissionRule<TResource, any, string>[],
): (decision: PolicyDecision, resource: TResource | undefined) => boolean {
  const ruleset = toRuleset(rules);
  return (decision, resource) => {
    if (decision.result === 'CONDITIONAL') {
      return resource !== undefined && applyConditions(decision.conditions, resource, ruleset);
    }
    return decision.result === 'ALLOW';
  };
}
