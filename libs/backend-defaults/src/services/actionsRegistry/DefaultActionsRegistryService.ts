import {
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
} from '@trellis/backend-plugin-api';
import type {
  ActionsRegistryActionOptions,
  ActionsRegistrySchema,
  ActionsRegistrySchemaFactory,
  ActionsRegistryService,
} from '@trellis/backend-plugin-api/alpha';
import { InputError, NotAllowedError, NotFoundError } from '@trellis/errors';
import { AuthorizeResult } from '@trellis/plugin-permission-common';
import express, { Request, Router } from 'express';

/** Where a plugin's actions are listed and invoked, relative to its base path. */
export const ACTIONS_PATH = '/.backstage/actions';

/** Options of {@link DefaultActionsRegistryService.create}. */
export interface DefaultActionsRegistryServiceOptions {
  pluginId: string;
  logger: LoggerService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
}

type Zod = { z: typeof import('zod/v3').z; toJsonSchema: typeof import('zod-to-json-schema').zodToJsonSchema };
type AnyAction = ActionsRegistryActionOptions<any, any, any>;

/**
 * The actions of one plugin, kept in memory and served on its router. Schemas are built with the
 * zod 3 API (`zod/v3`, as Backstage hands plugins, so they can mix in schemas of their own), loaded
 * on first use so that a backend whose plugins register no action never loads it, validated
 * on every call, and listed as JSON Schema. An action with a `visibilityPermission` is hidden
 * from, and answers 404 to, callers the policy does not allow.
 */
export class DefaultActionsRegistryService implements ActionsRegistryService {
  readonly #options: DefaultActionsRegistryServiceOptions;
  readonly #actions = new Map<string, AnyAction>();

  private constructor(options: DefaultActionsRegistryServiceOptions) {
    this.#options = options;
  }

  static create(options: DefaultActionsRegistryServiceOptions): DefaultActionsRegistryService {
    return new DefaultActionsRegistryService(options);
  }

  register<TInput, TOutput, TSecrets>(options: ActionsRegistryActionOptions<TInput, TOutput, TSecrets>): void {
    if (!/^[a-z0-9][a-z0-9-_.]*$/i.test(options.name ?? '')) {
      throw new TypeError(`Action name '${options.name}' must be letters, digits, '-', '_' or '.'`);
    }
    const id = `${this.#options.pluginId}:${options.name}`;
    if (this.#actions.has(id)) {
      throw new Error(`Action '${id}' is already registered`);
    }
    if (options.visibilityPermission) {
      this.#options.permissionsRegistry.addPermissions([options.visibilityPermission]);
    }
    this.#actions.set(id, options as AnyAction);
  }

  /** The list and invoke routes, for the plugin's router. */
  createRouter(): Router {
    const router = express.Router();
    router.use(ACTIONS_PATH, express.json());
    router.get(`${ACTIONS_PATH}/v1/actions`, async (req, res) => {
      const z = await loadZod();
      const visible = await this.#visible(req, [...this.#actions.entries()]);
      res.json({
        actions: visible.map(([id, action]) => ({
          id,
          name: action.name,
          title: action.title,
          description: action.description,
          pluginId: this.#options.pluginId,
          attributes: attributesOf(action),
          examples: action.examples,
          schema: {
            input: jsonSchemaOf(z, action.schema?.input),
            output: jsonSchemaOf(z, action.schema?.output),
            ...(action.schema?.secrets ? { secrets: jsonSchemaOf(z, action.schema.secrets) } : {}),
          },
        })),
      });
    });
    router.post(`${ACTIONS_PATH}/v1/actions/:actionId/invoke`, async (req, res) => {
      res.json(await this.#invoke(req, req.body, undefined));
    });
    router.post(`${ACTIONS_PATH}/v2/actions/:actionId/invoke`, async (req, res) => {
      res.json(await this.#invoke(req, req.body?.input, req.body?.secrets));
    });
    return router;
  }

  async #invoke(req: Request, rawInput: unknown, rawSecrets: unknown): Promise<{ output: unknown }> {
    const credentials = await this.#options.httpAuth.credentials(req);
    if (this.#options.auth.isPrincipal(credentials, 'none')) {
      throw new NotAllowedError('Actions are invoked by an authenticated caller only');
    }
    const id = String(req.params.actionId);
    const action = this.#actions.get(id);
    if (!action || (await this.#visible(req, [[id, action]])).length === 0) {
      throw new NotFoundError(`No action '${id}'`);
    }
    const z = await loadZod();
    const input = parseWith(z, action.schema?.input, rawInput, `Invalid input to action '${id}'`);
    if (Boolean(action.schema?.secrets) !== (rawSecrets !== undefined)) {
      throw new InputError(action.schema?.secrets ? `Action '${id}' needs secrets` : `Action '${id}' takes no secrets`);
    }
    const secrets = action.schema?.secrets
      ? parseWith(z, action.schema.secrets, rawSecrets, `Invalid secrets for action '${id}'`)
      : undefined;
    const result = await action.action({ input, secrets, credentials, logger: this.#options.logger });
    const output = action.schema?.output
      ? parseWith(z, action.schema.output, result?.output, `Invalid output of action '${id}'`)
      : result?.output;
    return { output };
  }

  async #visible(req: Request, entries: [string, AnyAction][]): Promise<[string, AnyAction][]> {
    const guarded = entries.filter(([, action]) => action.visibilityPermission);
    if (guarded.length === 0) {
      return entries;
    }
    const credentials = await this.#options.httpAuth.credentials(req);
    const decisions = await this.#options.permissions.authorize(
      guarded.map(([, action]) => ({ permission: action.visibilityPermission! })),
      { credentials },
    );
    const hidden = new Set(guarded.filter((_, i) => decisions[i].result !== AuthorizeResult.ALLOW).map(([id]) => id));
    return entries.filter(([id]) => !hidden.has(id));
  }
}

let zod: Promise<Zod> | undefined;
function loadZod(): Promise<Zod> {
  zod ??= Promise.all([import('zod/v3'), import('zod-to-json-schema')]).then(([v3, converter]) => ({
    z: v3.z,
    toJsonSchema: converter.zodToJsonSchema,
  }));
  return zod;
}

function attributesOf(action: AnyAction) {
  return {
    destructive: action.attributes?.destructive ?? !action.attributes?.readOnly,
    idempotent: action.attributes?.idempotent ?? false,
    readOnly: action.attributes?.readOnly ?? false,
  };
}

function schemaOf(z: Zod, factory: ActionsRegistrySchemaFactory | undefined): ActionsRegistrySchema {
  return factory ? factory(z.z) : z.z.object({});
}

function jsonSchemaOf(z: Zod, factory: ActionsRegistrySchemaFactory | undefined): unknown {
  return z.toJsonSchema(schemaOf(z, factory) as never);
}

function parseWith(z: Zod, factory: ActionsRegistrySchemaFactory | undefined, value: unknown, message: string) {
  const parsed = schemaOf(z, factory).safeParse(value);
  if (!parsed.success) {
    throw new InputError(`${message}: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

function describeIssues(error: unknown): string {
  const issues = (error as { issues?: { path?: PropertyKey[]; message?: string }[] })?.issues;
  if (!Array.isArray(issues)) {
    return String(error);
  }
  return issues.map((i) => `${(i.path ?? []).map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
