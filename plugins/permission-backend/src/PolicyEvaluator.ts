import { AuthService, Credentials, ServicePrincipal, UserInfoService } from '@trellis/backend-plugin-api';
import {
  EvaluatePermissionRequest,
  parsePolicyDecision,
  Permission,
  PolicyDecision,
} from '@trellis/plugin-permission-common';
import { decideForService, PermissionPolicy, PolicyQueryUser } from '@trellis/plugin-permission-node';
import { ConditionApplier } from './ConditionApplier';

/** Options of {@link PolicyEvaluator.create}. */
export interface PolicyEvaluatorOptions {
  enabled: boolean;
  policy?: PermissionPolicy;
  auth: AuthService;
  userInfo: UserInfoService;
  conditions: ConditionApplier;
}

/**
 * Decides a batch of permission requests for one caller: all allowed while permissions are
 * disabled; service principals by their access restrictions; users (with their user info) and
 * callers without credentials by the policy. Conditional decisions about one resource are sent
 * to the owning plugin, so the caller gets ALLOW or DENY for them.
 */
export class PolicyEvaluator {
  readonly #options: PolicyEvaluatorOptions;

  private constructor(options: PolicyEvaluatorOptions) {
    this.#options = options;
  }

  static create(options: PolicyEvaluatorOptions): PolicyEvaluator {
    return new PolicyEvaluator(options);
  }

  async evaluate(requests: EvaluatePermissionRequest[], credentials: Credentials): Promise<PolicyDecision[]> {
    const { enabled, policy, auth } = this.#options;
    if (!enabled || !policy) {
      return requests.map(() => ({ result: 'ALLOW' }));
    }
    if (auth.isPrincipal(credentials, 'service')) {
      return requests.map((r) => decideForService(credentials.principal as ServicePrincipal, r.permission));
    }
    const user: PolicyQueryUser | undefined = auth.isPrincipal(credentials, 'user')
      ? { credentials, info: await this.#options.userInfo.getUserInfo(credentials) }
      : undefined;
    const decisions = await Promise.all(
      requests.map(async (r) => checkDecision(await policy.handle({ permission: r.permission }, user), r.permission)),
    );
    return this.#resolveConditions(requests, decisions);
  }

  async #resolveConditions(
    requests: EvaluatePermissionRequest[],
    decisions: PolicyDecision[],
  ): Promise<PolicyDecision[]> {
    const pending = decisions.flatMap((decision, i) =>
      decision.result === 'CONDITIONAL' && requests[i].resourceRef !== undefined
        ? [{ index: i, decision, resourceRef: requests[i].resourceRef! }]
        : [],
    );
    if (pending.length === 0) {
      return decisions;
    }
    const resolved = await this.#options.conditions.apply(pending);
    const out = [...decisions];
    pending.forEach((p, j) => (out[p.index] = resolved[j]));
    return out;
  }
}

/** A policy's answer, checked: a policy that answers nonsense is a server fault, not the caller's. */
function checkDecision(decision: PolicyDecision, permission: Permission): PolicyDecision {
  let checked: PolicyDecision;
  try {
    checked = parsePolicyDecision(decision);
  } catch (error) {
    throw new Error(
      `The permission policy gave an invalid decision for '${permission.name}': ${(error as Error).message}`,
    );
  }
  if (
    checked.result === 'CONDITIONAL' &&
    (permission.type !== 'resource' || permission.resourceType !== checked.resourceType)
  ) {
    throw new Error(
      `The permission policy gave a conditional decision on resource type '${checked.resourceType}' for '${permission.name}', which is not a permission of that type`,
    );
  }
  return checked;
}
