export { AuthorizeResult } from './AuthorizeResult';
export { createPermission } from './createPermission';
export {
  isPermission,
  isResourcePermission,
  isCreatePermission,
  isReadPermission,
  isUpdatePermission,
  isDeletePermission,
} from './permissionChecks';
export {
  parsePermission,
  parsePermissionCriteria,
  parsePolicyDecision,
  parseEvaluatePermissionRequestBatch,
  parseApplyConditionsRequest,
} from './parsePermissionMessages';
export type { ParseBatchOptions, ApplyConditionsRequestEntry } from './parsePermissionMessages';
export { createPermissionResourceRef } from './rules';
export type {
  NoInfer,
  PermissionParamsSchema,
  PermissionRule,
  PermissionRuleset,
  PermissionResourceRef,
} from './rules';
export type {
  AllOfCriteria,
  AnyOfCriteria,
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  BasicPermission,
  ConditionalPolicyDecision,
  DefinitivePolicyDecision,
  EvaluatePermissionRequest,
  EvaluatePermissionRequestBatch,
  EvaluatePermissionResponse,
  EvaluatePermissionResponseBatch,
  EvaluatorRequestOptions,
  IdentifiedPermissionMessage,
  MetadataResponse,
  MetadataResponseSerializedRule,
  NonEmptyArray,
  NotCriteria,
  Permission,
  PermissionAttributes,
  PermissionBase,
  PermissionCondition,
  PermissionCriteria,
  PermissionEvaluator,
  PermissionJsonPrimitive,
  PermissionMessageBatch,
  PermissionRuleParam,
  PermissionRuleParams,
  PolicyDecision,
  QueryPermissionRequest,
  QueryPermissionResponse,
  ResourcePermission,
} from './types';
