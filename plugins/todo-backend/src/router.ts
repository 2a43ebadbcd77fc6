import { AuditorService, Credentials, HttpAuthService, JsonObject } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import { TodoPermissionChecks } from './TodoPermissionChecks';
import express, { Router } from 'express';
import { parseInput, schemas } from './schemas';
import { TodoInput, TodoStore } from './TodoStore';

/** Checks that a todo's entity ref exists, throwing an error that names it when not. */
export type EntityRefValidator = (entityRef: string, credentials: Credentials) => Promise<void>;

/** Options of {@link createRouter}. */
export interface RouterOptions {
  store: TodoStore;
  httpAuth: HttpAuthService;
  /** Records each write (`todo-create`, `todo-update`, `todo-delete`) with the caller and the todo's ID. */
  auditor: AuditorService;
  permissions: TodoPermissionChecks;
  validateEntityRef?: EntityRefValidator;
}

/** The todo API: list, read, create, update (with the version read) and delete. */
export function createRouter(options: RouterOptions): Router {
  const { store, httpAuth, auditor, permissions } = options;
  const router = express.Router();
  const caller = (req: express.Request) => httpAuth.credentials(req, { allow: ['user', 'service'] });
  const checkRef = async (input: TodoInput, credentials: Credentials) => {
    if (input.entityRef && options.validateEntityRef) {
      await options.validateEntityRef(input.entityRef, credentials);
    }
  };

  router.get('/todos', async (req, res) => {
    const credentials = await caller(req);
    const query = parseInput(schemas().listTodosQuery, req.query, 'query');
    const filter = await permissions.readFilter(credentials);
    res.json(filter === 'none' ? { items: [] } : await store.list({ ...query, filter }));
  });
  router.post('/todos', async (req, res) => {
    const credentials = await caller(req);
    const todo = await audited({ auditor, req, eventId: 'todo-create' }, async () => {
      const input = parseInput(schemas().createTodoBody, req.body, 'body');
      await permissions.assertCreate(credentials);
      await checkRef(input, credentials);
      const created = await store.create(input, principalName(credentials));
      return { result: created, meta: { todoId: created.id } };
    });
    res.status(201).json(todo);
  });
  router.get('/todos/:id', async (req, res) => {
    const credentials = await caller(req);
    const todo = await store.get(parseInput(schemas().todoId, req.params.id, 'id'));
    await permissions.assertRead(todo.id, credentials);
    res.json(todo);
  });
  router.put('/todos/:id', async (req, res) => {
    const credentials = await caller(req);
    const id = parseInput(schemas().todoId, req.params.id, 'id');
    const todo = await audited({ auditor, req, eventId: 'todo-update', meta: { todoId: id } }, async () => {
      const { version, ...input } = parseInput(schemas().updateTodoBody, req.body, 'body');
      await permissions.assertChange('update', await store.get(id), credentials);
      await checkRef(input, credentials);
      return { result: await store.update(id, input, version) };
    });
    res.json(todo);
  });
  router.delete('/todos/:id', async (req, res) => {
    const credentials = await caller(req);
    const id = parseInput(schemas().todoId, req.params.id, 'id');
    await audited({ auditor, req, eventId: 'todo-delete', meta: { todoId: id } }, async () => {
      await permissions.assertChange('delete', await store.get(id), credentials);
      return { result: await store.delete(id) };
    });
    res.status(204).end();
  });
  return router;
}

/**
 * Runs a write as an audit event of medium severity (a write endpoint): `initiated` before, then
 * `succeeded` with the meta the write returns, or `failed` with its error, which is rethrown.
 */
async function audited<T>(
  options: { auditor: AuditorService; req: express.Request; eventId: string; meta?: JsonObject },
  write: () => Promise<{ result: T; meta?: JsonObject }>,
): Promise<T> {
  const event = await options.auditor.createEvent({
    eventId: options.eventId,
    severityLevel: 'medium',
    request: options.req,
    meta: options.meta,
  });
  try {
    const { result, meta } = await write();
    await event.success({ meta });
    return result;
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
}

/**
 * Who created a todo, as stored in `created_by` (255 characters). A principal from an identity
 * provider's token may hold what that column cannot: refused with a 400, not a database error.
 */
function principalName(credentials: Credentials): string | null {
  const principal = credentials.principal as { type: string; userEntityRef?: string; subject?: string };
  const name = principal.userEntityRef ?? principal.subject ?? null;
  if (name !== null && (name.length > 255 || name.includes('\0'))) {
    throw new InputError(
      "Your principal's name cannot be recorded as a todo's creator: it is over 255 characters or holds a NUL character",
    );
  }
  return name;
}
