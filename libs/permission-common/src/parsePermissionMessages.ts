import { InputError } from '@trellis/errors';
import type {
  ConditionalPolicyDecision,
  EvaluatePermissionRequest,
  IdentifiedPermissionMessage,
  Permission,
  PermissionAttributes,
  PermissionCondition,
  PermissionCriteria,
  PermissionRuleParam,
  PermissionRuleParams,
  PolicyDecision,
} from './types';

/** Names of permissions, rules and resource types: 1 to 255 of `A-Za-z0-9._:/-`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,254}$/;
const ACTIONS: ReadonlySet<string> = new Set(['create', 'read', 'update', 'delete']);
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_CRITERIA_DEPTH = 32;
const MAX_CRITERIA_NODES = 1000;
const MAX_ID_LENGTH = 128;
const MAX_REF_LENGTH = 1024;
const MAX_PARAM_STRING = 4096;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, at: string): Json {
  if (!isObject(value)) {
    throw new InputError(`${at} must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      throw new InputError(`${at} may not have the key '${key}'`);
    }
  }
  return value;
}

function name(value: unknown, at: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new InputError(`${at} must be a name of 1 to 255 characters of A-Z, a-z, 0-9, '.', '_', ':', '/', '-'`);
  }
  return value;
}

function text(value: unknown, at: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || value.includes('\0')) {
    throw new InputError(`${at} must be a string of 1 to ${max} characters without NUL`);
  }
  return value;
}

function attributes(value: unknown, at: string): PermissionAttributes {
  const input = object(value ?? {}, at);
  if (input.action === undefined) {
    return {};
  }
  if (typeof input.action !== 'string' || !ACTIONS.has(input.action)) {
    throw new InputError(`${at}.action must be one of create, read, update, delete`);
  }
  return { action: input.action as PermissionAttributes['action'] };
}

/** Checks a permission from a request; throws `InputError` naming the fault. @public */
export function parsePermission(value: unknown, at = 'permission'): Permission {
  const input = object(value, at);
  const permissionName = name(input.name, `${at}.name`);
  const attrs = attributes(input.attributes, `${at}.attributes`);
  if (input.type === 'basic') {
    return { type: 'basic', name: permissionName, attributes: attrs };
  }
  if (input.type === 'resource') {
    return {
      type: 'resource',
      name: permissionName,
      attributes: attrs,
      resourceType: name(input.resourceType, `${at}.resourceType`),
    };
  }
  throw new InputError(`${at}.type must be 'basic' or 'resource'`);
}

function param(value: unknown, at: string): PermissionRuleParam {
  if (value === undefined || value === null || typeof value === 'boolean') {
    return value as PermissionRuleParam;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string') {
    if (value.length > MAX_PARAM_STRING || value.includes('\0')) {
      throw new InputError(`${at} must be at most ${MAX_PARAM_STRING} characters without NUL`);
    }
    return value;
  }
  if (Array.isArray(value) && value.length <= 1000) {
    return value.map((item, i) => {
      if (Array.isArray(item)) {
        throw new InputError(`${at}[${i}] must be a string, number, boolean or null`);
      }
      return param(item, `${at}[${i}]`);
    }) as PermissionRuleParam;
  }
  throw new InputError(`${at} must be a string, number, boolean, null or a list of those`);
}

function params(value: unknown, at: string): PermissionRuleParams {
  if (value === undefined) {
    return undefined;
  }
  const input = object(value, at);
  return Object.fromEntries(Object.entries(input).map(([key, v]) => [key, param(v, `${at}.${key}`)]));
}

function condition(value: Json, at: string): PermissionCondition {
  const allowed = new Set(['resourceType', 'rule', 'params']);
  const extra = Object.keys(value).find((key) => !allowed.has(key));
  if (extra !== undefined) {
    throw new InputError(`${at} has the unknown key '${extra}'; a condition has resourceType, rule and params`);
  }
  const parsed: PermissionCondition = {
    resourceType: name(value.resourceType, `${at}.resourceType`),
    rule: name(value.rule, `${at}.rule`),
  };
  const ruleParams = params(value.params, `${at}.params`);
  return ruleParams === undefined ? parsed : { ...parsed, params: ruleParams };
}

/**
 * Checks a tree of conditions from a request or a policy: `allOf`/`anyOf` with at least one
 * element, `not`, or a condition; at most 32 levels deep and 1000 nodes.
 *
 * @public
 */
export function parsePermissionCriteria(value: unknown, at = 'conditions'): PermissionCriteria<PermissionCondition> {
  const budget = { nodes: 0 };
  return criteria(value, at, 0, budget);
}

function criteria(
  value: unknown,
  at: string,
  depth: number,
  budget: { nodes: number },
): PermissionCriteria<PermissionCondition> {
  budget.nodes += 1;
  if (depth > MAX_CRITERIA_DEPTH || budget.nodes > MAX_CRITERIA_NODES) {
    throw new InputError(`${at} is too large: at most ${MAX_CRITERIA_DEPTH} levels and ${MAX_CRITERIA_NODES} nodes`);
  }
  const input = object(value, at);
  const keys = Object.keys(input);
  for (const join of ['allOf', 'anyOf'] as const) {
    if (keys.includes(join)) {
      const list = input[join];
      if (keys.length !== 1 || !Array.isArray(list) || list.length === 0) {
        throw new InputError(`${at}.${join} must be the only key and a non-empty list`);
      }
      const parsed = list.map((item, i) => criteria(item, `${at}.${join}[${i}]`, depth + 1, budget));
      return { [join]: parsed } as PermissionCriteria<PermissionCondition>;
    }
  }
  if (keys.includes('not')) {
    if (keys.length !== 1) {
      throw new InputError(`${at}.not must be the only key`);
    }
    return { not: criteria(input.not, `${at}.not`, depth + 1, budget) };
  }
  return condition(input, at);
}

/** Checks a policy decision, as a policy or the permission plugin returns it. @public */
export function parsePolicyDecision(value: unknown, at = 'decision'): PolicyDecision {
  const input = object(value, at);
  if (input.result === 'ALLOW' || input.result === 'DENY') {
    return { result: input.result };
  }
  if (input.result !== 'CONDITIONAL') {
    throw new InputError(`${at}.result must be ALLOW, DENY or CONDITIONAL`);
  }
  const decision: ConditionalPolicyDecision = {
    result: 'CONDITIONAL',
    pluginId: name(input.pluginId, `${at}.pluginId`),
    resourceType: name(input.resourceType, `${at}.resourceType`),
    conditions: parsePermissionCriteria(input.conditions, `${at}.conditions`),
  };
  return decision;
}

/** Options of {@link parseEvaluatePermissionRequestBatch}. @public */
export interface ParseBatchOptions {
  /** At most this many items; 100 by default. */
  maxItems?: number;
}

function batchItems(value: unknown, maxItems: number): Json[] {
  const body = object(value, 'body');
  const items = body.items;
  if (!Array.isArray(items) || items.length === 0 || items.length > maxItems) {
    throw new InputError(`body.items must be a list of 1 to ${maxItems} requests`);
  }
  const ids = new Set<string>();
  return items.map((item, i) => {
    const entry = object(item, `body.items[${i}]`);
    const id = text(entry.id, `body.items[${i}].id`, MAX_ID_LENGTH);
    if (ids.has(id)) {
      throw new InputError(`body.items[${i}].id '${id}' is used twice`);
    }
    ids.add(id);
    return entry;
  });
}

/**
 * Checks the body of `POST /api/permission/authorize`: `{ items: [{ id, permission, resourceRef? }] }`.
 *
 * @public
 */
export function parseEvaluatePermissionRequestBatch(
  value: unknown,
  options: ParseBatchOptions = {},
): IdentifiedPermissionMessage<EvaluatePermissionRequest>[] {
  return batchItems(value, options.maxItems ?? 100).map((entry, i) => {
    const permission = parsePermission(entry.permission, `body.items[${i}].permission`);
    if (entry.resourceRef === undefined) {
      return { id: entry.id as string, permission };
    }
    if (permission.type !== 'resource') {
      throw new InputError(`body.items[${i}].resourceRef is only for resource permissions`);
    }
    return {
      id: entry.id as string,
      permission,
      resourceRef: text(entry.resourceRef, `body.items[${i}].resourceRef`, MAX_REF_LENGTH),
    };
  });
}

/** One entry of a plugin's apply-conditions request. @public */
export type ApplyConditionsRequestEntry = IdentifiedPermissionMessage<{
  resourceRef: string | string[];
  resourceType: string;
  conditions: PermissionCriteria<PermissionCondition>;
}>;

/**
 * Checks the body of a plugin's `POST /.well-known/backstage/permissions/apply-conditions`:
 * `{ items: [{ id, resourceRef, resourceType, conditions }] }`.
 *
 * @public
 */
export function parseApplyConditionsRequest(
  value: unknown,
  options: ParseBatchOptions = {},
): ApplyConditionsRequestEntry[] {
  return batchItems(value, options.maxItems ?? 100).map((entry, i) => {
    const at = `body.items[${i}]`;
    const ref = entry.resourceRef;
    const resourceRef = Array.isArray(ref)
      ? ref.length > 0 && ref.length <= 100
        ? ref.map((r, j) => text(r, `${at}.resourceRef[${j}]`, MAX_REF_LENGTH))
        : (() => {
            throw new InputError(`${at}.resourceRef must list 1 to 100 refs`);
          })()
      : text(ref, `${at}.resourceRef`, MAX_REF_LENGTH);
    return {
      id: entry.id as string,
      resourceRef,
      resourceType: name(entry.resourceType, `${at}.resourceType`),
      conditions: parsePermissionCriteria(entry.conditions, `${at}.conditions`),
    };
  });
}
