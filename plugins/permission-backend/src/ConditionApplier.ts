import { AuthService, DiscoveryService } from '@trellis/backend-plugin-api';
import { errorFromResponse, ServiceUnavailableError } from '@trellis/errors';
import { ConditionalPolicyDecision, DefinitivePolicyDecision } from '@trellis/plugin-permission-common';

const APPLY_CONDITIONS_PATH = '/.well-known/backstage/permissions/apply-conditions';
const REQUEST_TIMEOUT_MS = 30_000;

/** A conditional decision about one resource, to be decided by the plugin that owns it. */
export interface ResourceDecision {
  decision: ConditionalPolicyDecision;
  resourceRef: string;
}

/**
 * Decides conditional decisions about single resources by asking the owning plugins (found
 * through discovery, called with this plugin's own token) to apply the conditions: one call per
 * plugin for a whole batch.
 */
export class ConditionApplier {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  private constructor(options: { discovery: DiscoveryService; auth: AuthService }) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  static create(options: { discovery: DiscoveryService; auth: AuthService }): ConditionApplier {
    return new ConditionApplier(options);
  }

  async apply(requests: ResourceDecision[]): Promise<DefinitivePolicyDecision[]> {
    const byPlugin = new Map<string, number[]>();
    requests.forEach((r, i) => byPlugin.set(r.decision.pluginId, [...(byPlugin.get(r.decision.pluginId) ?? []), i]));
    const results: DefinitivePolicyDecision[] = new Array(requests.length);
    await Promise.all(
      [...byPlugin].map(async ([pluginId, indexes]) => {
        const answers = await this.#applyAt(
          pluginId,
          indexes.map((i) => requests[i]),
        );
        indexes.forEach((requestIndex, j) => (results[requestIndex] = answers[j]));
      }),
    );
    return results;
  }

  async #applyAt(pluginId: string, requests: ResourceDecision[]): Promise<DefinitivePolicyDecision[]> {
    const own = await this.#auth.getOwnServiceCredentials();
    const [baseUrl, { token }] = await Promise.all([
      this.#discovery.getBaseUrl(pluginId),
      this.#auth.getPluginRequestToken({ onBehalfOf: own, targetPluginId: pluginId }),
    ]);
    const items = requests.map((r, i) => ({
      id: String(i),
      resourceRef: r.resourceRef,
      resourceType: r.decision.resourceType,
      conditions: r.decision.conditions,
    }));
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${APPLY_CONDITIONS_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ServiceUnavailableError(`Plugin '${pluginId}' cannot be reached to apply conditions`, error as Error);
    }
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    return readResults(pluginId, await response.json(), items.length);
  }
}

function readResults(pluginId: string, body: unknown, count: number): DefinitivePolicyDecision[] {
  const items = (body as { items?: unknown })?.items;
  const byId = new Map<string, unknown>();
  for (const item of Array.isArray(items) ? items : []) {
    byId.set(String((item as { id?: unknown })?.id), (item as { result?: unknown })?.result);
  }
  return Array.from({ length: count }, (_, i) => {
    const result = byId.get(String(i));
    if (result !== 'ALLOW' && result !== 'DENY') {
      throw new Error(`Plugin '${pluginId}' gave no valid result for conditions of request ${i}`);
    }
    return { result };
  });
}
