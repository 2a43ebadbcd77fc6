import type { PermissionCondition, PermissionRule, PermissionRuleParams } from '@trellis/plugin-permission-common';

/**
 * Turns a rule into a function that builds conditions with it, for policies:
 * `isAuthor({ userEntityRef })` gives `{ resourceType, rule: 'IS_AUTHOR', params }`.
 *
 * @public
 */
export const createConditionFactory =
  <TResourceType extends string, TParams extends PermissionRuleParams = PermissionRuleParams>(
    rule: PermissionRule<unknown, unknown, TResourceType, TParams>,
  ) =>
  (params: TParams): PermissionCondition<TResourceType, TParams> => ({
    rule: rule.name,
    resourceType: rule.resourceType,
    ...(params === undefined ? {} : { params }),
  });
