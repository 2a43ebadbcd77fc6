import type { Knex } from 'knex';

const TABLE = 'trellis_scheduler_tasks';

/** A global task's row: its schedule state and the lease of its current run. */
export interface TaskRow {
  id: string;
  settings_json: string;
  next_run_at: number;
  current_run_ticket: string | null;
  current_run_started_at: number | null;
  current_run_expires_at: number | null;
  cancel_requested: boolean | number;
  last_run_started_at: number | null;
  last_run_ended_at: number | null;
  last_run_error: string | null;
  consecutive_failures: number;
}

/**
 * The shared state of global tasks in the plugin's database. Every claim and update is one
 * conditional UPDATE, so instances race safely on SQLite and PostgreSQL alike.
 */
export class TaskStore {
  readonly #db: Knex;

  private constructor(db: Knex) {
    this.#db = db;
  }

  static async create(db: Knex): Promise<TaskStore> {
    if (!(await db.schema.hasTable(TABLE))) {
      await db.schema
        .createTable(TABLE, (table) => {
          table.string('id', 255).primary();
          table.text('settings_json').notNullable();
          table.bigInteger('next_run_at').notNullable();
          table.string('current_run_ticket', 64);
          table.bigInteger('current_run_started_at');
          table.bigInteger('current_run_expires_at');
          table.boolean('cancel_requested').notNullable().defaultTo(false);
          table.bigInteger('last_run_started_at');
          table.bigInteger('last_run_ended_at');
          table.text('last_run_error');
          table.integer('consecutive_failures').notNullable().defaultTo(0);
        })
        .catch(async (error) => {
          if (!(await db.schema.hasTable(TABLE))) throw error;
        });
    }
    return new TaskStore(db);
  }

  /** Registers a task; an existing row keeps its schedule unless the settings changed. */
  async upsert(id: string, settingsJson: string, firstRunAt: number): Promise<void> {
    const existing = await this.#db<TaskRow>(TABLE).where({ id }).first();
    if (!existing) {
      await this.#db(TABLE)
        .insert({ id, settings_json: settingsJson, next_run_at: firstRunAt, consecutive_failures: 0 })
        .catch(async (error) => {
          if (!(await this.#db<TaskRow>(TABLE).where({ id }).first())) throw error;
        });
    } else if (existing.settings_json !== settingsJson) {
      await this.#db(TABLE).where({ id }).update({ settings_json: settingsJson, next_run_at: firstRunAt });
    }
  }

  /** Takes the due run of a task if nobody holds a live lease on it. */
  async claim(id: string, ticket: string, now: number, leaseMs: number): Promise<boolean> {
    const updated = await this.#db(TABLE)
      .where({ id })
      .andWhere('next_run_at', '<=', now)
      .andWhere((q) => {
        q.whereNull('current_run_ticket').orWhere('current_run_expires_at', '<', now);
      })
      .update({
        current_run_ticket: ticket,
        current_run_started_at: now,
        current_run_expires_at: now + leaseMs,
        cancel_requested: false,
        last_run_started_at: now,
      });
    return updated === 1;
  }

  /** Extends the lease; false when the run was cancelled or the lease was lost. */
  async heartbeat(id: string, ticket: string, expiresAt: number): Promise<boolean> {
    const updated = await this.#db(TABLE)
      .where({ id, current_run_ticket: ticket, cancel_requested: false })
      .update({ current_run_expires_at: expiresAt });
    return updated === 1;
  }

  /** Ends a run and sets the next one. */
  async finish(
    id: string,
    ticket: string,
    result: { nextRunAt: number; error?: string; failures: number },
  ): Promise<void> {
    await this.#db(TABLE)
      .where({ id, current_run_ticket: ticket })
      .update({
        current_run_ticket: null,
        current_run_expires_at: null,
        cancel_requested: false,
        next_run_at: result.nextRunAt,
        last_run_ended_at: Date.now(),
        last_run_error: result.error ?? null,
        consecutive_failures: result.failures,
      });
  }

  async trigger(id: string): Promise<boolean> {
    return (await this.#db(TABLE).where({ id }).whereNull('current_run_ticket').update({ next_run_at: 0 })) === 1;
  }

  async requestCancel(id: string): Promise<boolean> {
    return (
      (await this.#db(TABLE).where({ id }).whereNotNull('current_run_ticket').update({ cancel_requested: true })) === 1
    );
  }

  async get(id: string): Promise<TaskRow | undefined> {
    return this.#db<TaskRow>(TABLE).where({ id }).first();
  }

  async failures(id: string): Promise<number> {
    return Number((await this.get(id))?.consecutive_failures ?? 0);
  }
}
