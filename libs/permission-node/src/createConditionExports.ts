import type {
  ConditionalPolicyDecision,
  PermissionCondition,
  PermissionCriteria,
  PermissionResourceRef,
  PermissionRule,
  ResourcePermission,
} from '@trellis/plugin-permission-common';
import { createConditionFactory } from './createConditionFactory';

/** A condition builder for a rule; without parameters when the rule takes none. @public */
export type Condition<TRule> =
  TRule extends PermissionRule<any, any, infer TResourceType, infer TParams>
    ? undefined extends TParams
      ? () => PermissionCondition<TResourceType, TParams>
      : (params: TParams) => PermissionCondition<TResourceType, TParams>
    : never;

/** Condition builders by rule key. @public */
export type Conditions<TRules extends Record<string, PermissionRule<any, any, any>>> = {
  [Name in keyof TRules]: Condition<TRules[Name]>;
};

/** What {@link createConditionExports} gives a plugin to export for policy authors. @public */
export interface ConditionExports<
  TResourceType extends string,
  TRules extends Record<string, PermissionRule<any, any, any>>,
> {
  conditions: Conditions<TRules>;
  createConditionalDecision(
    permission: ResourcePermission<TResourceType>,
    conditions: PermissionCriteria<PermissionCondition<TResourceType>>,
  ): ConditionalPolicyDecision;
}

/**
 * What a plugin exports for policy authors: a condition builder per rule and a function that
 * wraps conditions into a conditional decision addressed to the plugin.
 *
 * @public
 */
export function createConditionExports<
  TResourceType extends string,
  TResource,
  TRules extends Record<string, PermissionRule<TResource, any, TResourceType>>,
>(
  options:
    | { resourceRef: PermissionResourceRef<TResource, any, TResourceType>; rules: TRules }
    | { pluginId: string; resourceType: TResourceType; rules: TRules },
): ConditionExports<TResourceType, TRules> {
  const { pluginId, resourceType } = 'resourceRef' in options ? options.resourceRef : options;
  const conditions = Object.fromEntries(
    Object.entries(options.rules).map(([key, rule]) => [key, createConditionFactory(rule)]),
  ) as Conditions<TRules>;
  return {
    conditions,
    createConditionalDecision: (_permission, criteria) => ({
      result: 'CONDITIONAL',
      pluginId,
      resourceType,
      conditions: criteria,
    }),
  };
}
