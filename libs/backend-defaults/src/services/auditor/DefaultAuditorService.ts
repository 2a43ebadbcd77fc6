import {
  AuditorService,
  AuditorServiceCreateEventOptions,
  AuditorServiceEvent,
  HttpAuthService,
  JsonObject,
  LoggerService,
} from '@trellis/backend-plugin-api';
import type { Request } from 'express';
import { logSafeUrl } from '../rootHttpRouter/logSafeUrl';
import { SeverityLogLevelMappings } from './readSeverityLogLevelMappings';

/** Who performed an audited action, as the audit line records it. @public */
export type AuditActor =
  | { type: 'user'; userEntityRef: string; actor?: string }
  | { type: 'service'; subject: string }
  | { type: 'none' }
  | { type: 'unknown'; reason: string };

/** Options of {@link DefaultAuditorService.create}. @public */
export interface DefaultAuditorServiceOptions {
  /** The logger audit lines are written to; the service marks every line with `isAuditEvent: true`. */
  logger: LoggerService;
  pluginId: string;
  httpAuth: HttpAuthService;
  severityLogLevelMappings: SeverityLogLevelMappings;
}

/**
 * Writes audit events as structured log lines, marked `isAuditEvent: true` so that a log pipeline
 * can route them apart: one line when an action starts (`initiated`) and one when it ends
 * (`succeeded` or `failed`), each with the plugin, event ID, severity, the caller and the request's
 * method and URL (query parameters that look like secrets redacted).
 *
 * @public
 */
export class DefaultAuditorService implements AuditorService {
  readonly #logger: LoggerService;
  readonly #pluginId: string;
  readonly #httpAuth: HttpAuthService;
  readonly #levels: SeverityLogLevelMappings;

  private constructor(options: DefaultAuditorServiceOptions) {
    this.#logger = options.logger.child({ isAuditEvent: true });
    this.#pluginId = options.pluginId;
    this.#httpAuth = options.httpAuth;
    this.#levels = options.severityLogLevelMappings;
  }

  static create(options: DefaultAuditorServiceOptions): DefaultAuditorService {
    return new DefaultAuditorService(options);
  }

  async createEvent(options: AuditorServiceCreateEventOptions): Promise<AuditorServiceEvent> {
    const severityLevel = options.severityLevel ?? 'low';
    const base = {
      plugin: this.#pluginId,
      eventId: options.eventId,
      severityLevel,
      actor: options.request ? await this.#actor(options.request) : undefined,
      request: options.request
        ? { method: options.request.method, url: logSafeUrl(options.request.originalUrl) }
        : undefined,
    };
    const write = (status: string, meta: JsonObject | undefined, error?: Error) =>
      this.#logger[this.#levels[severityLevel]](`${this.#pluginId}.${options.eventId}`, {
        ...base,
        status,
        meta: meta && Object.keys(meta).length > 0 ? meta : undefined,
        ...(error ? { error: { name: error.name, message: error.message } } : {}),
      });
    write('initiated', options.meta);
    return {
      success: async (done) => write('succeeded', { ...options.meta, ...done?.meta }),
      fail: async (done) => write('failed', { ...options.meta, ...done.meta }, done.error),
    };
  }

  async #actor(request: Request): Promise<AuditActor> {
    try {
      const { principal } = await this.#httpAuth.credentials(request);
      if (principal.type === 'user') {
        return { type: 'user', userEntityRef: principal.userEntityRef, actor: principal.actor?.subject };
      }
      return principal.type === 'service' ? { type: 'service', subject: principal.subject } : { type: 'none' };
    } catch (error) {
      return { type: 'unknown', reason: (error as Error).message };
    }
  }
}
