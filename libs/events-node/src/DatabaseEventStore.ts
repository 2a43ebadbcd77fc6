import { Knex } from 'knex';
import { EventParams } from './types';

/** A stored event. */
export interface StoredEvent extends EventParams {
  id: number;
}

/** What a subscriber's claim found: its position, and the newest event it may read up to. */
export interface Claim {
  cursor: number;
  head: number;
}

// Publishers take this transaction lock, so event IDs are given out in commit order: a reader
// that sees event N has seen every event before it, and a position never skips one.
const PUBLISH_LOCK = 7_245_390_118;

/** The event log on PostgreSQL: `trellis_events` and `trellis_events_subscribers`. */
export class DatabaseEventStore {
  static readonly CHANNEL = 'trellis_events';
  readonly #knex: Knex;
  readonly #retentionMs: number;

  constructor(knex: Knex, retentionMs: number) {
    this.#knex = knex;
    this.#retentionMs = retentionMs;
  }

  async publish(event: EventParams): Promise<void> {
    await this.#knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [PUBLISH_LOCK]);
      await trx('trellis_events').insert({
        topic: event.topic,
        payload: JSON.stringify(event.eventPayload),
        metadata: event.metadata === undefined ? null : JSON.stringify(event.metadata),
      });
      await trx.raw('select pg_notify(?, ?)', [DatabaseEventStore.CHANNEL, '']);
    });
  }

  /** Registers a subscriber at the end of the log, unless it exists: then it keeps its position. */
  async register(subscriberId: string): Promise<void> {
    await this.#knex('trellis_events_subscribers')
      .insert({
        id: subscriberId,
        last_event_id: this.#knex.raw('(select coalesce(max(id), 0) from trellis_events)'),
        updated_at: this.#knex.fn.now(),
      })
      .onConflict('id')
      .ignore();
  }

  /**
   * Takes (or renews) the subscriber's lease for `owner` when it has events to read and no other
   * instance holds a live lease; undefined otherwise.
   */
  async claim(subscriberId: string, owner: string, leaseMs: number): Promise<Claim | undefined> {
    const { rows } = await this.#knex.raw(
      `update trellis_events_subscribers s
          set locked_by = ?, locked_until = now() + ? * interval '1 millisecond', updated_at = now()
         from (select coalesce(max(id), 0) as head from trellis_events) h
        where s.id = ? and s.last_event_id < h.head
          and (s.locked_by is null or s.locked_until < now() or s.locked_by = ?)
      returning s.last_event_id, h.head`,
      [owner, leaseMs, subscriberId, owner],
    );
    const row = rows[0] as { last_event_id: string | number; head: string | number } | undefined;
    return row ? { cursor: Number(row.last_event_id), head: Number(row.head) } : undefined;
  }

  /** Events after `cursor` up to `head` on these topics, oldest first, within the retention window. */
  async read(claim: Claim, topics: readonly string[], limit: number): Promise<StoredEvent[]> {
    const rows = await this.#knex('trellis_events')
      .where('id', '>', claim.cursor)
      .andWhere('id', '<=', claim.head)
      .whereIn('topic', topics)
      .andWhere('created_at', '>', this.#knex.raw(`now() - ? * interval '1 millisecond'`, [this.#retentionMs]))
      .orderBy('id')
      .limit(limit)
      .select('id', 'topic', 'payload', 'metadata');
    return rows.map((row) => ({
      id: Number(row.id),
      topic: row.topic,
      eventPayload: JSON.parse(row.payload),
      ...(row.metadata === null ? {} : { metadata: JSON.parse(row.metadata) }),
    }));
  }

  /** Moves the position on and renews the lease; false when `owner` lost the lease meanwhile. */
  async advance(subscriberId: string, owner: string, eventId: number, leaseMs: number): Promise<boolean> {
    const updated = await this.#knex('trellis_events_subscribers')
      .where({ id: subscriberId, locked_by: owner })
      .update({ last_event_id: eventId, locked_until: this.#leaseEnd(leaseMs), updated_at: this.#knex.fn.now() });
    return updated > 0;
  }

  /** Renews the lease while a handler runs; false when `owner` lost it. */
  async renew(subscriberId: string, owner: string, leaseMs: number): Promise<boolean> {
    const updated = await this.#knex('trellis_events_subscribers')
      .where({ id: subscriberId, locked_by: owner })
      .update({ locked_until: this.#leaseEnd(leaseMs) });
    return updated > 0;
  }

  /** Moves the position to `head` (at least) and gives the lease up. */
  async release(subscriberId: string, owner: string, head?: number): Promise<void> {
    await this.#knex('trellis_events_subscribers')
      .where({ id: subscriberId, locked_by: owner })
      .update({
        ...(head === undefined ? {} : { last_event_id: this.#knex.raw('greatest(last_event_id, ?)', [head]) }),
        locked_by: null,
        locked_until: null,
      });
  }

  /** Deletes events past the retention window; returns how many. */
  async deleteExpired(): Promise<number> {
    return this.#knex('trellis_events')
      .where('created_at', '<', this.#knex.raw(`now() - ? * interval '1 millisecond'`, [this.#retentionMs]))
      .delete();
  }

  #leaseEnd(leaseMs: number): Knex.Raw {
    return this.#knex.raw(`now() + ? * interval '1 millisecond'`, [leaseMs]);
  }
}
