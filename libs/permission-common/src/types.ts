/** A JSON value that is not an object or array. @public */
export type PermissionJsonPrimitive = string | number | boolean | null;

/** What a permission does, for policies that decide by action. @public */
export type PermissionAttributes = {
  action?: 'create' | 'read' | 'update' | 'delete';
};

/** The fields every permission has. @public */
export type PermissionBase<TType extends string, TFields extends object> = {
  /** Unique across the deployment, by convention `<pluginId>.<noun>.<verb>` (`todo.item.read`). */
  name: string;
  attributes: PermissionAttributes;
} & { type: TType } & TFields;

/** A permission that is not about one resource (such as "create a todo"). @public */
export type BasicPermission = PermissionBase<'basic', {}>;

/** A permission about resources of one type, which a policy may grant under conditions. @public */
export type ResourcePermission<TResourceType extends string = string> = PermissionBase<
  'resource',
  { resourceType: TResourceType }
>;

/** Any permission. @public */
export type Permission = BasicPermission | ResourcePermission;

/** A message of a batch, with the ID that pairs a request with its answer. @public */
export type IdentifiedPermissionMessage<T> = T & { id: string };

/** A batch of messages, as sent over HTTP. @public */
export type PermissionMessageBatch<T> = { items: IdentifiedPermissionMessage<T>[] };

/** Parameters of a permission rule. @public */
export type PermissionRuleParam = undefined | PermissionJsonPrimitive | PermissionJsonPrimitive[];

/** The named parameters of a permission rule. @public */
export type PermissionRuleParams = undefined | Record<string, PermissionRuleParam>;

/** One rule applied with parameters, such as `{ rule: 'IS_AUTHOR', params: { userEntityRef } }`. @public */
export type PermissionCondition<
  TResourceType extends string = string,
  TParams extends PermissionRuleParams = PermissionRuleParams,
> = {
  resourceType: TResourceType;
  rule: string;
  params?: TParams;
};

/** A list with at least one element. @public */
export type NonEmptyArray<T> = [T, ...T[]];

/** All of the criteria must hold. @public */
export type AllOfCriteria<TQuery> = { allOf: NonEmptyArray<PermissionCriteria<TQuery>> };

/** At least one of the criteria must hold. @public */
export type AnyOfCriteria<TQuery> = { anyOf: NonEmptyArray<PermissionCriteria<TQuery>> };

/** The criterion must not hold. @public */
export type NotCriteria<TQuery> = { not: PermissionCriteria<TQuery> };

/** A tree of conditions (or, once transformed, of query filters) joined by allOf, anyOf and not. @public */
export type PermissionCriteria<TQuery> = AllOfCriteria<TQuery> | AnyOfCriteria<TQuery> | NotCriteria<TQuery> | TQuery;

/** A decision that needs no further work: allowed or denied. @public */
export type DefinitivePolicyDecision = {
  result: 'ALLOW' | 'DENY';
};

/**
 * Allowed for the resources that meet the conditions; the plugin that owns the resource type
 * (`pluginId`) applies them.
 *
 * @public
 */
export type ConditionalPolicyDecision = {
  result: 'CONDITIONAL';
  pluginId: string;
  resourceType: string;
  conditions: PermissionCriteria<PermissionCondition>;
};

/** What a policy answers. @public */
export type PolicyDecision = DefinitivePolicyDecision | ConditionalPolicyDecision;

/** A permission to evaluate, about one resource when `resourceRef` is given. @public */
export type EvaluatePermissionRequest = {
  permission: Permission;
  resourceRef?: string;
};

/** The request body of `POST /api/permission/authorize`. @public */
export type EvaluatePermissionRequestBatch = PermissionMessageBatch<EvaluatePermissionRequest>;

/** The answer to one {@link EvaluatePermissionRequest}. @public */
export type EvaluatePermissionResponse = PolicyDecision;

/** The response body of `POST /api/permission/authorize`. @public */
export type EvaluatePermissionResponseBatch = PermissionMessageBatch<EvaluatePermissionResponse>;

/** A request for a definitive decision: a basic permission, or a resource permission about one resource. @public */
export type AuthorizePermissionRequest =
  { permission: BasicPermission; resourceRef?: never } | { permission: ResourcePermission; resourceRef: string };

/** The answer to an {@link AuthorizePermissionRequest}. @public */
export type AuthorizePermissionResponse = DefinitivePolicyDecision;

/** A request for a decision about all resources of a type, which may be conditional. @public */
export type QueryPermissionRequest = {
  permission: ResourcePermission;
  resourceRef?: never;
};

/** The answer to a {@link QueryPermissionRequest}. @public */
export type QueryPermissionResponse = PolicyDecision;

/** Options of a {@link PermissionEvaluator} call; the server-side service adds credentials. @public */
export interface EvaluatorRequestOptions {}

/** Evaluates permissions. @public */
export interface PermissionEvaluator {
  authorize(
    requests: AuthorizePermissionRequest[],
    options?: EvaluatorRequestOptions & { _ignored?: never },
  ): Promise<AuthorizePermissionResponse[]>;
  authorizeConditional(
    requests: QueryPermissionRequest[],
    options?: EvaluatorRequestOptions & { _ignored?: never },
  ): Promise<QueryPermissionResponse[]>;
}

/** A rule as a plugin's metadata endpoint describes it. @public */
export type MetadataResponseSerializedRule = {
  name: string;
  description: string;
  resourceType: string;
  /** The JSON Schema of the rule's parameters. */
  paramsSchema?: Record<string, unknown>;
};

/** The body of a plugin's `/.well-known/backstage/permissions/metadata` endpoint. @public */
export type MetadataResponse = {
  permissions?: Permission[];
  rules: MetadataResponseSerializedRule[];
};
