import { AuditorService, JsonObject } from '@trellis/backend-plugin-api';
import type { Request, Response } from 'express';

/** A route handler of the catalog's routers. */
export type RouteHandler = (req: Request, res: Response) => Promise<void>;

/**
 * Audits a write route as Backstage's catalog names it (`entity-mutate`, `location-mutate`, with
 * the kind of change in `actionType`): an `initiated` record before the handler runs, then
 * `succeeded` with the response status, or `failed` with the error, which is rethrown.
 */
export function auditedRoute(
  auditor: AuditorService,
  eventId: 'entity-mutate' | 'location-mutate',
  meta: (req: Request) => JsonObject,
  handler: RouteHandler,
): RouteHandler {
  return async (req, res) => {
    const event = await auditor.createEvent({ eventId, severityLevel: 'medium', request: req, meta: meta(req) });
    try {
      await handler(req, res);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
    await event.success({ meta: { status: res.statusCode } });
  };
}
