import { ConfigSchema } from '@trellis/backend-plugin-api';

const duration = {
  oneOf: [
    { type: 'string', minLength: 1 },
    { type: 'object', minProperties: 1, additionalProperties: { type: 'number', minimum: 0 } },
  ],
};

/**
 * The `catalog` config. `providers` belongs to modules: each provider module declares the schema
 * of its own `catalog.providers.<name>` key, which the backend validates beside this one.
 */
export const catalogConfigSchema: ConfigSchema = {
  type: 'object',
  properties: {
    locations: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        required: ['type', 'target'],
        properties: {
          // `file` and `url` are built in; another type needs a module's processor that reads it.
          type: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
          target: { type: 'string', minLength: 1 },
        },
        additionalProperties: false,
      },
    },
    refresh: {
      type: 'object',
      default: { frequency: { seconds: 60 }, timeout: { minutes: 5 } },
      required: ['frequency', 'timeout'],
      properties: {
        frequency: {
          oneOf: [...duration.oneOf, { type: 'object', required: ['cron'], properties: { cron: { type: 'string' } } }],
        },
        timeout: duration,
        initialDelay: duration,
      },
      additionalProperties: false,
    },
    providers: {
      type: 'object',
      description: "Settings of the entity providers of modules; each module's schema checks its own key",
      additionalProperties: { type: 'object' },
    },
  },
  additionalProperties: false,
};
