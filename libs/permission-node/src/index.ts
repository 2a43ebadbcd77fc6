export { createPermissionRule, makeCreatePermissionRule } from './createPermissionRule';
export type { CreatePermissionRuleOptions } from './createPermissionRule';
export { createConditionFactory } from './createConditionFactory';
export { createConditionExports } from './createConditionExports';
export type { Condition, Conditions, ConditionExports } from './createConditionExports';
export {
  applyConditions,
  assertValidConditions,
  createConditionTransformer,
  createConditionAuthorizer,
} from './applyConditions';
export type { ConditionTransformer } from './applyConditions';
export { createPermissionRuleset, validateRuleParams } from './createPermissionRuleset';
export { isAndCriteria, isOrCriteria, isNotCriteria } from './criteria';
export type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from './PermissionPolicy';
export { policyExtensionPoint } from './policyExtensionPoint';
export type { PolicyExtensionPoint } from './policyExtensionPoint';
export { serializePermissionRule } from './serializePermissionRule';
export { decideForService } from './decideForService';
export { createPermissionResourceRef } from '@trellis/plugin-permission-common';
export type {
  ApplyConditionsRequestEntry,
  MetadataResponse,
  MetadataResponseSerializedRule,
  PermissionResourceRef,
  PermissionRule,
  PermissionRuleset,
} from '@trellis/plugin-permission-common';

export type {
  ApplyConditionsRequest,
  ApplyConditionsResponse,
  ApplyConditionsResponseEntry,
} from './applyConditionsMessages';
