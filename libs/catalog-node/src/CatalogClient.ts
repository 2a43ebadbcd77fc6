import { AuthService, Credentials, DiscoveryService } from '@trellis/backend-plugin-api';
import { errorFromResponse } from '@trellis/errors';
import { CompoundEntityRef, Entity, stringifyEntityRef } from './entity';

/** Options of {@link CatalogClient.create}. @public */
export interface CatalogClientOptions {
  discovery: DiscoveryService;
  auth: AuthService;
}

/** Whom a call is made for: the caller's credentials, passed on to the catalog. @public */
export interface CatalogRequestOptions {
  credentials: Credentials;
}

/**
 * Conditions on entities. An object holds conditions that must all hold; a list holds objects of
 * which any may hold. A value is matched without regard to case; a list of values matches any of
 * them; `true` asks only that the key exists. Keys are entity fields in dot notation (`kind`,
 * `metadata.namespace`, `spec.type`, `metadata.tags`) or relations (`relations.ownedBy` with a
 * full ref). The same rules as Backstage's `EntityFilterQuery`.
 *
 * @public
 */
export type EntityFilterQuery = EntityFilterSet | EntityFilterSet[];

/** One set of conditions that must all hold. @public */
export type EntityFilterSet = Record<string, string | true | (string | true)[]>;

/** Sorting by a field in dot notation; entities without it come last. @public */
export interface EntityOrderField {
  field: string;
  order: 'asc' | 'desc';
}

/** Which entities {@link CatalogClient.getEntities} lists, in what order, from where. @public */
export interface GetEntitiesRequest {
  filter?: EntityFilterQuery;
  /** Fields to return, in dot notation, such as `['kind', 'metadata.name']`. */
  fields?: string[];
  order?: EntityOrderField | EntityOrderField[];
  /** How many matching entities to skip. */
  offset?: number;
  /** At most this many entities; every match when absent. */
  limit?: number;
}

/** The answer of {@link CatalogClient.getEntities}. @public */
export interface GetEntitiesResponse {
  items: Entity[];
}

/** The first page of {@link CatalogClient.queryEntities}. @public */
export interface QueryEntitiesInitialRequest {
  filter?: EntityFilterQuery;
  fields?: string[];
  orderFields?: EntityOrderField | EntityOrderField[];
  /** A case-insensitive substring of the values of `fields` (of any field when none). */
  fullTextFilter?: { term: string; fields?: string[] };
  /** Page size, 1 to 1000 (default 20). */
  limit?: number;
  offset?: number;
}

/** A further page of {@link CatalogClient.queryEntities}: a cursor of an earlier answer. @public */
export interface QueryEntitiesCursorRequest {
  cursor: string;
  fields?: string[];
  limit?: number;
}

/** A page of entities, with cursors to the pages before and after it. @public */
export interface QueryEntitiesResponse {
  items: Entity[];
  totalItems: number;
  pageInfo: { nextCursor?: string; prevCursor?: string };
}

/**
 * A typed client of the catalog's API. It finds the catalog through discovery (on this backend or
 * another) and calls it with a token minted for it on behalf of the caller. Error responses come
 * back as the error class the catalog threw (`InputError`, `NotAllowedError`, ...), with the
 * `ResponseError` (status and body) as `cause`.
 *
 * @public
 */
export class CatalogClient {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  private constructor(options: CatalogClientOptions) {
    this.#discovery = options.discovery;
    this.#auth = options.auth;
  }

  static create(options: CatalogClientOptions): CatalogClient {
    return new CatalogClient(options);
  }

  /** The entities matching the request, as one list (all of them unless `limit` is given). */
  async getEntities(request: GetEntitiesRequest, options: CatalogRequestOptions): Promise<GetEntitiesResponse> {
    const query = filterParams(request.filter);
    if (request.fields?.length) {
      query.set('fields', request.fields.join(','));
    }
    for (const { field, order } of [request.order ?? []].flat()) {
      query.append('order', `${order}:${field}`);
    }
    if (request.offset !== undefined) {
      query.set('offset', String(request.offset));
    }
    if (request.limit !== undefined) {
      query.set('limit', String(request.limit));
    }
    const items = (await this.#request('GET', `/entities${search(query)}`, options)) as Entity[];
    return { items };
  }

  /** One page of the entities matching the request, with `totalItems` and cursors both ways. */
  async queryEntities(
    request: QueryEntitiesInitialRequest | QueryEntitiesCursorRequest,
    options: CatalogRequestOptions,
  ): Promise<QueryEntitiesResponse> {
    const query = new URLSearchParams();
    if ('cursor' in request) {
      query.set('cursor', request.cursor);
    } else {
      filterParams(request.filter).forEach((value, key) => query.append(key, value));
      for (const { field, order } of [request.orderFields ?? []].flat()) {
        query.append('orderField', `${field},${order}`);
      }
      if (request.fullTextFilter?.term.trim()) {
        query.set('fullTextFilterTerm', request.fullTextFilter.term.trim());
        if (request.fullTextFilter.fields?.length) {
          query.set('fullTextFilterFields', request.fullTextFilter.fields.join(','));
        }
      }
      if (request.offset !== undefined) {
        query.set('offset', String(request.offset));
      }
    }
    if (request.fields?.length) {
      query.set('fields', request.fields.join(','));
    }
    if (request.limit !== undefined) {
      query.set('limit', String(request.limit));
    }
    return (await this.#request('GET', `/entities/by-query${search(query)}`, options)) as QueryEntitiesResponse;
  }

  /**
   * The entity with that ref (`kind:namespace/name`, namespace optional), or undefined if there is
   * none. Asked as a batch of one, so that "no such entity" is an answer of the catalog and never
   * a 404 of a backend that does not host it (that one is thrown, as `NotFoundError`).
   */
  async getEntityByRef(ref: string | CompoundEntityRef, options: CatalogRequestOptions): Promise<Entity | undefined> {
    const refString = typeof ref === 'string' ? ref : stringifyEntityRef(ref);
    const { items } = await this.getEntitiesByRefs({ entityRefs: [refString] }, options);
    return items[0] ?? undefined;
  }

  /**
   * The entities of many refs at once (up to 1000), in the order asked, `null` where there is none
   * or where it does not match `filter`.
   */
  async getEntitiesByRefs(
    request: { entityRefs: string[]; fields?: string[]; filter?: EntityFilterQuery },
    options: CatalogRequestOptions,
  ): Promise<{ items: (Entity | null)[] }> {
    const { filter, ...body } = request;
    const path = `/entities/by-refs${search(filterParams(filter))}`;
    return (await this.#request('POST', path, options, body)) as { items: (Entity | null)[] };
  }

  async #request(method: string, path: string, options: CatalogRequestOptions, body?: unknown): Promise<unknown> {
    const [baseUrl, { token }] = await Promise.all([
      this.#discovery.getBaseUrl('catalog'),
      this.#auth.getPluginRequestToken({ onBehalfOf: options.credentials, targetPluginId: 'catalog' }),
    ]);
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    return response.json();
  }
}

/** `filter` parameters: one per set, `key=value` conditions joined by commas, a bare key for "exists". */
function filterParams(filter: EntityFilterQuery | undefined): URLSearchParams {
  const query = new URLSearchParams();
  for (const set of [filter ?? []].flat()) {
    const conditions = Object.entries(set).flatMap(([key, value]) =>
      [value].flat().map((v) => (v === true ? key : `${key}=${v}`)),
    );
    if (conditions.length > 0) {
      query.append('filter', conditions.join(','));
    }
  }
  return query;
}

function search(query: URLSearchParams): string {
  return query.size > 0 ? `?${query}` : '';
}
