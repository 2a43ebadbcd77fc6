import { onFirstUse } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import { z } from 'zod';

/** The states a todo moves through. */
export const TODO_STATUSES = ['open', 'in_progress', 'done'] as const;

/** `kind:namespace/name` or `kind:name`, as catalog entity refs are written. */
const ENTITY_REF = /^[a-zA-Z][a-zA-Z0-9_-]*:(?:[a-z0-9][a-z0-9._-]*\/)?[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

/**
 * The largest version a todo may be read at: `version` is a 32-bit integer column, and an update
 * stores the version it was read at plus one.
 */
export const MAX_VERSION = 2_147_483_646;

/** The request schemas, built when the first request needs them. */
export const schemas = onFirstUse(buildSchemas);

/** Text without NUL characters, which PostgreSQL refuses to store or compare. */
function text() {
  return z.string().refine((value) => !value.includes('\0'), 'must not contain NUL characters');
}

function buildSchemas() {
  const title = text().trim().min(1).max(512);
  const description = text().max(10_000).nullable();
  const status = z.enum(TODO_STATUSES);
  const entityRef = text().max(255).regex(ENTITY_REF, 'must look like kind:namespace/name').nullable();
  return {
    /** The body of `POST /todos`. */
    createTodoBody: z
      .object({
        title,
        description: description.optional(),
        status: status.optional(),
        entityRef: entityRef.optional(),
      })
      .strict(),
    /** The body of `PUT /todos/:id`: the fields to change and the version they were read at. */
    updateTodoBody: z
      .object({
        title: title.optional(),
        description: description.optional(),
        status: status.optional(),
        entityRef: entityRef.optional(),
        version: z.number().int().min(1).max(MAX_VERSION, `must be at most ${MAX_VERSION}`),
      })
      .strict(),
    /** The query of `GET /todos`. */
    listTodosQuery: z
      .object({
        limit: z
          .string()
          .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
          .transform(Number)
          .pipe(z.number().min(1).max(100))
          .default(20),
        cursor: text().max(500).optional(),
        status: status.optional(),
      })
      .strict(),
    /** A todo ID (a UUID). */
    todoId: z.string().uuid(),
  };
}

/**
 * Parses input with a schema; a failure becomes a 400 naming every offending field.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : undefined;
    if (issue.code === 'unrecognized_keys') {
      return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    }
    return field ? `'${field}' ${issue.message}` : issue.message;
  });
  throw new InputError(`Invalid ${where}: ${problems.join('; ')}`);
}
