import { LoggerService } from '@trellis/backend-plugin-api';
import { EventParams, EventsServiceEventHandler } from './types';

/** Options of {@link deliver}. */
export interface DeliverOptions {
  subscriberId: string;
  handler: EventsServiceEventHandler;
  event: EventParams;
  maxAttempts: number;
  retryDelayMs: number;
  logger: LoggerService;
  /** Extra fields of the log lines, such as the stored event's ID. */
  logMeta?: Record<string, unknown>;
}

/**
 * Hands an event to a handler, trying again after a growing delay when it throws; after
 * `maxAttempts` the event is given up with an error line. Never throws, so a bad handler cannot
 * stop delivery to others or crash the process. Resolves to whether the handler succeeded.
 */
export async function deliver(options: DeliverOptions): Promise<boolean> {
  const { subscriberId, event, logger } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      await options.handler(event);
      return true;
    } catch (error) {
      const meta = { subscriberId, topic: event.topic, attempt, ...options.logMeta, error: error as Error };
      if (attempt >= options.maxAttempts) {
        logger.error(
          `Subscriber '${subscriberId}' failed to handle an event of topic '${event.topic}' ${attempt} time(s); the event is skipped for it`,
          meta,
        );
        return false;
      }
      logger.warn(
        `Subscriber '${subscriberId}' failed to handle an event of topic '${event.topic}'; trying again`,
        meta,
      );
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * 2 ** (attempt - 1)));
    }
  }
}
