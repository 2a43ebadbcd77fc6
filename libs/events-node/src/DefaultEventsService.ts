import { InputError } from '@trellis/errors';
import { EventBus } from './EventBus';
import { EventParams, EventsService, EventsServiceSubscribeOptions } from './types';

const MAX_TOPIC_LENGTH = 255;
const SUBSCRIBER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/**
 * The events service of one plugin: checks its input and names its subscribers
 * `<pluginId>.<id>`, so subscriber IDs of different plugins never share work.
 *
 * @public
 */
export class DefaultEventsService implements EventsService {
  readonly #bus: EventBus;
  readonly #pluginId: string;

  private constructor(bus: EventBus, pluginId: string) {
    this.#bus = bus;
    this.#pluginId = pluginId;
  }

  static forPlugin(pluginId: string, options: { bus: EventBus }): DefaultEventsService {
    return new DefaultEventsService(options.bus, pluginId);
  }

  async publish(params: EventParams): Promise<void> {
    checkTopic(params?.topic, 'topic');
    checkJson(params.eventPayload, 'eventPayload');
    if (params.metadata !== undefined) {
      checkMetadata(params.metadata);
    }
    const event: EventParams = { topic: params.topic, eventPayload: structuredJson(params.eventPayload) };
    if (params.metadata !== undefined) {
      event.metadata = structuredJson(params.metadata);
    }
    await this.#bus.publish(event);
  }

  async subscribe(options: EventsServiceSubscribeOptions): Promise<void> {
    if (typeof options?.id !== 'string' || !SUBSCRIBER_ID.test(options.id)) {
      throw new InputError(
        `Invalid subscriber id ${JSON.stringify(options?.id)}: use 1 to 200 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`,
      );
    }
    if (!Array.isArray(options.topics) || options.topics.length === 0) {
      throw new InputError(`Subscriber '${options.id}' needs at least one topic`);
    }
    options.topics.forEach((topic, i) => checkTopic(topic, `topics[${i}]`));
    if (typeof options.onEvent !== 'function') {
      throw new InputError(`Subscriber '${options.id}' needs an onEvent function`);
    }
    await this.#bus.subscribe(`${this.#pluginId}.${options.id}`, options.topics, options.onEvent);
  }
}

function checkTopic(topic: unknown, name: string): void {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    throw new InputError(
      `Invalid event ${name} ${JSON.stringify(topic)}: must be a string of 1 to ${MAX_TOPIC_LENGTH} characters`,
    );
  }
}

function checkJson(value: unknown, name: string): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InputError(`Invalid event ${name}: it cannot be written as JSON (${(error as Error).message})`);
  }
  if (text === undefined) {
    throw new InputError(`Invalid event ${name}: it must be a JSON value, got ${typeof value}`);
  }
}

function checkMetadata(metadata: unknown): void {
  const valid =
    typeof metadata === 'object' &&
    metadata !== null &&
    !Array.isArray(metadata) &&
    Object.values(metadata).every(
      (v) => v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')),
    );
  if (!valid) {
    throw new InputError('Invalid event metadata: must be an object of strings or string arrays');
  }
}

/**
 * A copy as JSON would carry it, so subscribers in this process see what subscribers of another
 * instance see (no class instances, no shared mutable objects, dates as strings).
 */
function structuredJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}
