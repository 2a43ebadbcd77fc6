/**
 * Services that Backstage keeps under `@backstage/backend-plugin-api/alpha`, by the same names, so
 * published plugins that depend on them start on Trellis. Their shape may still change.
 *
 * @packageDocumentation
 */
import type { BasicPermission } from '@trellis/plugin-permission-common';
import { createServiceRef } from './createServiceRef';
import type { Credentials } from './services/AuthService';
import type { LoggerService } from './services/LoggerService';

/**
 * A schema an action declares: in practice a zod object schema, built by a function that is handed
 * the registry's `z` (so the plugin and the registry agree on one zod). Only `safeParse` is
 * relied on, and the registry turns the schema into JSON Schema for the action list.
 *
 * @alpha
 */
export interface ActionsRegistrySchema<T = any> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

/** Builds one of an action's schemas from the `z` of zod the registry passes in. @alpha */
export type ActionsRegistrySchemaFactory<T = any> = (z: any) => ActionsRegistrySchema<T>;

/** What an action's function is called with. @alpha */
export interface ActionsRegistryActionContext<TInput = any, TSecrets = any> {
  /** The input, parsed by the action's input schema. */
  input: TInput;
  /** The secrets, parsed by the action's secrets schema, when it declares one. */
  secrets?: TSecrets;
  /** Whom the action runs for: the caller of the invoke route, never an anonymous one. */
  credentials: Credentials;
  logger: LoggerService;
}

/** An example of an action's use, shown in the action list. @alpha */
export interface ActionsRegistryActionExample<TInput = any, TOutput = any> {
  description: string;
  input: TInput;
  output?: TOutput;
}

/** An action a plugin offers to callers such as AI agents: name, schemas and function. @alpha */
export interface ActionsRegistryActionOptions<TInput = any, TOutput = any, TSecrets = any> {
  /** Unique in the plugin; the action's ID is `<pluginId>:<name>`. */
  name: string;
  title: string;
  description: string;
  schema: {
    input: ActionsRegistrySchemaFactory<TInput>;
    output: ActionsRegistrySchemaFactory<TOutput>;
    secrets?: ActionsRegistrySchemaFactory<TSecrets>;
  };
  /** Defaults: `destructive` unless `readOnly`, neither `idempotent` nor `readOnly`. */
  attributes?: { destructive?: boolean; idempotent?: boolean; readOnly?: boolean };
  /** Who may see and invoke the action; registered with the plugin's permissions. */
  visibilityPermission?: BasicPermission;
  examples?: ActionsRegistryActionExample<TInput, TOutput>[];
  action(context: ActionsRegistryActionContext<TInput, TSecrets>): Promise<{ output: TOutput } | void>;
}

/**
 * Where a plugin registers its actions. The default implementation serves them on the plugin's
 * router: `GET /.backstage/actions/v1/actions` lists them and
 * `POST /.backstage/actions/v1/actions/<id>/invoke` runs one with the request body as input
 * (`v2` takes `{ input, secrets }`).
 *
 * @alpha
 */
export interface ActionsRegistryService {
  register<TInput = any, TOutput = any, TSecrets = any>(
    options: ActionsRegistryActionOptions<TInput, TOutput, TSecrets>,
  ): void;
}

/**
 * The plugin's actions registry, `deps: { actionsRegistry: actionsRegistryServiceRef }`; its
 * default factory is `actionsRegistryServiceFactory` of `@trellis/backend-defaults`.
 *
 * @alpha
 */
export const actionsRegistryServiceRef = createServiceRef<ActionsRegistryService>({
  id: 'alpha.core.actionsRegistry',
});
