import {
  AuthService,
  Config,
  Credentials,
  DiscoveryService,
  PermissionsService,
  PermissionsServiceRequestOptions,
  ServicePrincipal,
} from '@trellis/backend-plugin-api';
import { errorFromResponse, InputError, ServiceUnavailableError } from '@trellis/errors';
import {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  EvaluatePermissionRequest,
  parsePermission,
  parsePolicyDecision,
  Permission,
  PolicyDecision,
  QueryPermissionRequest,
} from '@trellis/plugin-permission-common';
import { isCredentials } from '../auth/createCredentials';
import { decideForService } from '@trellis/plugin-permission-node';

/** The permission plugin's ID, where policies are evaluated. */
const PERMISSION_PLUGIN_ID = 'permission';
/** Requests per call to the permission plugin, which accepts at most this many. */
const BATCH_SIZE = 100;
const REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link DefaultPermissionsService.create}. */
export interface DefaultPermissionsServiceOptions {
  config: Config;
  discovery: DiscoveryService;
  auth: AuthService;
}

/**
 * The default permissions service: everything is allowed while `permission.enabled` is not
 * true; otherwise service principals are decided here by their access restrictions, and users
 * and callers without credentials by the permission plugin's policy over HTTP.
 */
export class DefaultPermissionsService implements PermissionsService {
  readonly #enabled: boolean;
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  private constructor(options: DefaultPermissionsServiceOptions) {
    this.#enabled = options.config.getOptionalBoolean('permission.enabled') ?? false;
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  static create(options: DefaultPermissionsServiceOptions): DefaultPermissionsService {
    return new DefaultPermissionsService(options);
  }

  async authorize(
    requests: AuthorizePermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<AuthorizePermissionResponse[]> {
    const checked = checkRequests(requests, 'authorize').map((request, i) => {
      if (request.permission.type === 'resource' && request.resourceRef === undefined) {
        throw new InputError(
          `authorize() needs a resourceRef for resource permission '${request.permission.name}' (request ${i}); use authorizeConditional() for a decision about all resources`,
        );
      }
      return request;
    });
    const decisions = await this.#decide(checked, options);
    return decisions.map((decision, i) => {
      if (decision.result === 'CONDITIONAL') {
        throw new Error(
          `The permission plugin answered CONDITIONAL for '${checked[i].permission.name}' with a resourceRef`,
        );
      }
      return decision;
    });
  }

  async authorizeConditional(
    requests: QueryPermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<PolicyDecision[]> {
    const checked = checkRequests(requests, 'authorizeConditional').map((request, i) => {
      if (request.permission.type !== 'resource' || request.resourceRef !== undefined) {
        throw new InputError(
          `authorizeConditional() takes resource permissions without a resourceRef; request ${i} ('${request.permission.name}') is not one`,
        );
      }
      return request;
    });
    return this.#decide(checked, options);
  }

  async #decide(
    requests: EvaluatePermissionRequest[],
    options: PermissionsServiceRequestOptions,
  ): Promise<PolicyDecision[]> {
    const credentials = options?.credentials;
    if (!isCredentials(credentials)) {
      throw new TypeError('Permission checks need { credentials } from httpAuth.credentials() or auth.authenticate()');
    }
    if (!this.#enabled || requests.length === 0) {
      return requests.map(() => ({ result: 'ALLOW' }));
    }
    if (this.#auth.isPrincipal(credentials, 'service')) {
      const principal = credentials.principal as ServicePrincipal;
      return requests.map((r) => decideForService(principal, r.permission));
    }
    const decisions: PolicyDecision[] = [];
    for (let start = 0; start < requests.length; start += BATCH_SIZE) {
      decisions.push(...(await this.#evaluate(requests.slice(start, start + BATCH_SIZE), credentials)));
    }
    return decisions;
  }

  async #evaluate(requests: EvaluatePermissionRequest[], credentials: Credentials): Promise<PolicyDecision[]> {
    const items = requests.map((r, i) => ({ id: String(i), ...r }));
    // One after the other: a token minted for a plugin that cannot be found would go on being
    // minted (perhaps storing a signing key) after the request has failed.
    const baseUrl = await this.#discovery.getBaseUrl(PERMISSION_PLUGIN_ID);
    const authorization = await this.#authorization(credentials);
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorization },
        body: JSON.stringify({ items }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ServiceUnavailableError(`The permission plugin at ${baseUrl} cannot be reached`, error as Error);
    }
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    return readDecisions(await response.json(), items.length);
  }

  async #authorization(credentials: Credentials): Promise<Record<string, string>> {
    if (this.#auth.isPrincipal(credentials, 'none')) {
      return {};
    }
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: PERMISSION_PLUGIN_ID,
    });
    return { authorization: `Bearer ${token}` };
  }
}

function checkRequests<T extends { permission: Permission; resourceRef?: string }>(requests: T[], method: string): T[] {
  if (!Array.isArray(requests)) {
    throw new InputError(`${method}() takes a list of requests`);
  }
  return requests.map((request, i) => {
    if (typeof request !== 'object' || request === null) {
      throw new InputError(`${method}() request ${i} is not an object`);
    }
    const permission = parsePermission(request.permission, `request ${i} permission`);
    const resourceRef = request.resourceRef;
    if (resourceRef !== undefined && (typeof resourceRef !== 'string' || resourceRef.length === 0)) {
      throw new InputError(`${method}() request ${i} has a resourceRef that is not a non-empty string`);
    }
    return { ...request, permission };
  });
}

function readDecisions(body: unknown, count: number): PolicyDecision[] {
  const items = (body as { items?: unknown })?.items;
  if (!Array.isArray(items)) {
    throw new Error('The permission plugin answered without an items list');
  }
  const byId = new Map<string, PolicyDecision>();
  for (const item of items) {
    const id = (item as { id?: unknown })?.id;
    if (typeof id === 'string') {
      byId.set(id, parsePolicyDecision(item, `decision '${id}'`));
    }
  }
  return Array.from({ length: count }, (_, i) => {
    const decision = byId.get(String(i));
    if (!decision) {
      throw new Error(`The permission plugin left request ${i} unanswered`);
    }
    return decision;
  });
}
