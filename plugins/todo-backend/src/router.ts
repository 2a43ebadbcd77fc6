import { Credentials, HttpAuthService } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import express, { Router } from 'express';
import { parseInput, schemas } from './schemas';
import { TodoInput, TodoStore } from './TodoStore';

/** Checks that a todo's entity ref exists, throwing an error that names it when not. */
export type EntityRefValidator = (entityRef: string, credentials: Credentials) => Promise<void>;

/** Options of {@link createRouter}. */
export interface RouterOptions {
  store: TodoStore;
  httpAuth: HttpAuthService;
  validateEntityRef?: EntityRefValidator;
}

/** The todo API: list, read, create, update (with the version read) and delete. */
export function createRouter(options: RouterOptions): Router {
  const { store, httpAuth } = options;
  const router = express.Router();
  const caller = (req: express.Request) => httpAuth.credentials(req, { allow: ['user', 'service'] });
  const checkRef = async (input: TodoInput, credentials: Credentials) => {
    if (input.entityRef && options.validateEntityRef) {
      await options.validateEntityRef(input.entityRef, credentials);
    }
  };

  router.get('/todos', async (req, res) => {
    await caller(req);
    res.json(await store.list(parseInput(schemas().listTodosQuery, req.query, 'query')));
  });
  router.post('/todos', async (req, res) => {
    const credentials = await caller(req);
    const input = parseInput(schemas().createTodoBody, req.body, 'body');
    await checkRef(input, credentials);
    res.status(201).json(await store.create(input, principalName(credentials)));
  });
  router.get('/todos/:id', async (req, res) => {
    await caller(req);
    res.json(await store.get(parseInput(schemas().todoId, req.params.id, 'id')));
  });
  router.put('/todos/:id', async (req, res) => {
    const credentials = await caller(req);
    const id = parseInput(schemas().todoId, req.params.id, 'id');
    const { version, ...input } = parseInput(schemas().updateTodoBody, req.body, 'body');
    await checkRef(input, credentials);
    res.json(await store.update(id, input, version));
  });
  router.delete('/todos/:id', async (req, res) => {
    await caller(req);
    await store.delete(parseInput(schemas().todoId, req.params.id, 'id'));
    res.status(204).end();
  });
  return router;
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
