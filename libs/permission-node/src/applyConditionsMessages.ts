import type {
  ApplyConditionsRequestEntry,
  DefinitivePolicyDecision,
  IdentifiedPermissionMessage,
} from '@trellis/plugin-permission-common';

/** The body of a plugin's apply-conditions request. @public */
export type ApplyConditionsRequest = { items: ApplyConditionsRequestEntry[] };

/** One answer of a plugin's apply-conditions endpoint: one result per ref asked. @public */
export type ApplyConditionsResponseEntry = IdentifiedPermissionMessage<
  DefinitivePolicyDecision | { result: Array<'ALLOW' | 'DENY'> }
>;

/** The body of a plugin's apply-conditions response. @public */
export type ApplyConditionsResponse = { items: ApplyConditionsResponseEntry[] };
