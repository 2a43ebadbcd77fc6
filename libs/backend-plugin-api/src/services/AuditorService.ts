import type { Request } from 'express';
import type { JsonObject } from './ConfigService';

/**
 * How much an audited action matters: `low` for ordinary use (the default), `medium` for writes,
 * `high` for changes of permissions, `critical` for changes of administrator permissions.
 *
 * @public
 */
export type AuditorServiceEventSeverityLevel = 'low' | 'medium' | 'high' | 'critical';

/** Options of {@link AuditorService.createEvent}. @public */
export type AuditorServiceCreateEventOptions = {
  /**
   * Kebab-case name of the action, such as `todo-create` or `fetch`. The plugin ID is added by the
   * service, so it need not repeat it; variants of one action go into `meta` (e.g. `queryType`).
   */
  eventId: string;
  /** `low` when left out. */
  severityLevel?: AuditorServiceEventSeverityLevel;
  /** The request that caused the action; the audit line then names its caller, method and URL. */
  request?: Request<any, any, any, any, any>;
  /** Facts about the action, such as the ID of the record it touches. */
  meta?: JsonObject;
};

/**
 * An audited action under way: end it with `success()` or `fail()`; each writes one more audit
 * record with the outcome.
 *
 * @public
 */
export type AuditorServiceEvent = {
  success(options?: { meta?: JsonObject }): Promise<void>;
  fail(options: { meta?: JsonObject; error: Error }): Promise<void>;
};

/**
 * Records who did what, and whether it worked, apart from the ordinary logs. `createEvent()`
 * records the start of an action (status `initiated`) and returns the event to complete.
 *
 * @public
 */
export interface AuditorService {
  createEvent(options: AuditorServiceCreateEventOptions): Promise<AuditorServiceEvent>;
}
