import { onFirstUse } from '@trellis/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@trellis/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { applyTodoFilter, TodoFilterCriteria } from './applyTodoFilter';

/** A todo as the API shows it. */
export interface Todo {
  id: string;
  title: string;
  description: string | null;
  status: string;
  entityRef: string | null;
  createdBy: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The fields a caller may set. */
export interface TodoInput {
  title?: string;
  description?: string | null;
  status?: string;
  entityRef?: string | null;
}

interface TodoRow {
  id: string;
  title: string;
  description: string | null;
  status: string;
  entity_ref: string | null;
  created_by: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A page of todos and the cursor of the next page, if any. */
export interface TodoPage {
  items: Todo[];
  nextCursor?: string;
}

/**
 * The todos of the plugin's database. Updates check the version the caller read, so a concurrent
 * change is a conflict, never a lost update.
 */
export class TodoStore {
  readonly #db: Knex;

  private constructor(db: Knex) {
    this.#db = db;
  }

  static create(db: Knex): TodoStore {
    return new TodoStore(db);
  }

  /** A page of todos; `filter` (from permission conditions) limits it to the todos it allows. */
  async list(options: {
    limit: number;
    cursor?: string;
    status?: string;
    filter?: TodoFilterCriteria;
  }): Promise<TodoPage> {
    const query = this.#db<TodoRow>('todos')
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .limit(options.limit + 1);
    if (options.filter) {
      query.where((q) => {
        applyTodoFilter(q, options.filter!);
      });
    }
    if (options.status) {
      query.where('status', options.status);
    }
    if (options.cursor) {
      const { c, i } = decodeCursor(options.cursor);
      query.where((q) => {
        q.where('created_at', '>', c).orWhere((q2) => {
          q2.where('created_at', c).andWhere('id', '>', i);
        });
      });
    }
    const rows = await query;
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toTodo),
      nextCursor: rows.length > options.limit && last ? encodeCursor(last) : undefined,
    };
  }

  async get(id: string): Promise<Todo> {
    const row = await this.#db<TodoRow>('todos').where({ id }).first();
    if (!row) {
      throw new NotFoundError(`No todo with id '${id}'`);
    }
    return toTodo(row);
  }

  /** The todos of these IDs in the order asked, undefined for IDs that name none. */
  async getMany(ids: string[]): Promise<Array<Todo | undefined>> {
    const valid = ids.filter((id) => UUID.test(id));
    const rows = valid.length === 0 ? [] : await this.#db<TodoRow>('todos').whereIn('id', valid);
    const byId = new Map(rows.map((row) => [row.id, toTodo(row)]));
    return ids.map((id) => byId.get(id));
  }

  async create(input: TodoInput & { title: string }, createdBy: string | null): Promise<Todo> {
    const now = new Date().toISOString();
    const row: TodoRow = {
      id: randomUUID(),
      title: input.title,
      description: input.description ?? null,
      status: input.status ?? 'open',
      entity_ref: input.entityRef ?? null,
      created_by: createdBy,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await this.#db('todos').insert(row);
    return toTodo(row);
  }

  async update(id: string, input: TodoInput, expectedVersion: number): Promise<Todo> {
    return this.#db.transaction(async (trx) => {
      const changes: Partial<TodoRow> = {
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
        ...(input.entityRef !== undefined ? { entity_ref: input.entityRef } : {}),
        updated_at: new Date().toISOString(),
      };
      const updated = await trx<TodoRow>('todos')
        .where({ id, version: expectedVersion })
        .update({ ...changes, version: expectedVersion + 1 });
      if (updated === 0) {
        const current = await trx<TodoRow>('todos').where({ id }).first();
        if (!current) {
          throw new NotFoundError(`No todo with id '${id}'`);
        }
        throw new ConflictError(
          `Todo '${id}' was changed by someone else: you sent version ${expectedVersion}, it is at version ${current.version}; read it again and retry`,
        );
      }
      return toTodo((await trx<TodoRow>('todos').where({ id }).first())!);
    });
  }

  async delete(id: string): Promise<void> {
    const deleted = await this.#db('todos').where({ id }).delete();
    if (deleted === 0) {
      throw new NotFoundError(`No todo with id '${id}'`);
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toTodo(row: TodoRow): Todo {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    entityRef: row.entity_ref,
    createdBy: row.created_by,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function encodeCursor(row: TodoRow): string {
  return Buffer.from(JSON.stringify({ c: row.created_at, i: row.id })).toString('base64url');
}

/** What a cursor holds: the creation time and ID of the last todo of the page, as stored. */
const cursorSchema = onFirstUse(() =>
  z
    .object({
      c: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      i: z.string().uuid(),
    })
    .strict(),
);

/**
 * Reads a cursor back. It is client input: anything but the two values this API writes, in the
 * form it writes them, is a 400, never a query with a value the database refuses.
 */
function decodeCursor(cursor: string): { c: string; i: string } {
  try {
    if (/^[A-Za-z0-9_-]+$/.test(cursor)) {
      const parsed = cursorSchema().safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
      if (parsed.success) {
        return parsed.data;
      }
    }
  } catch {
    // fall through to the error below
  }
  throw new InputError("Invalid query: 'cursor' is not a cursor this API returned");
}
