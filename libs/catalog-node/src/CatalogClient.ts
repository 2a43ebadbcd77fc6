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
 * Which entities to list. `filter` is one set of `key: value` conditions that must all hold, or
 * a list of such sets of which any may hold; a value of `true` asks only that the key exists.
 * Keys are entity fields in dot notation (`kind`, `metadata.namespace`, `spec.type`,
 * `spec.owner`) or relations (`relations.ownedBy` with a full ref); matching ignores case.
 *
 * @public
 */
export interface GetEntitiesRequest {
  filter?: Record<string, string | true> | Record<string, string | true>[];
  /** Fields to return, in dot notation, such as `['kind', 'metadata.name']`. */
  fields?: string[];
  /** Page size, 1 to 500 (default 100). */
  limit?: number;
  /** The `pageInfo.nextCursor` of the previous page. */
  cursor?: string;
}

/** A page of entities. @public */
export interface GetEntitiesResponse {
  items: Entity[];
  totalItems: number;
  pageInfo: { nextCursor?: string };
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

  /** One page of the entities matching the request. */
  async getEntities(request: GetEntitiesRequest, options: CatalogRequestOptions): Promise<GetEntitiesResponse> {
    const query = new URLSearchParams();
    const filters =
      request.filter === undefined ? [] : Array.isArray(request.filter) ? request.filter : [request.filter];
    for (const filter of filters) {
      query.append(
        'filter',
        Object.entries(filter)
          .map(([key, value]) => (value === true ? key : `${key}=${value}`))
          .join(','),
      );
    }
    if (request.fields?.length) {
      query.set('fields', request.fields.join(','));
    }
    if (request.limit !== undefined) {
      query.set('limit', String(request.limit));
    }
    if (request.cursor !== undefined) {
      query.set('cursor', request.cursor);
    }
    const search = query.size > 0 ? `?${query}` : '';
    return (await this.#request('GET', `/entities${search}`, options)) as GetEntitiesResponse;
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

  /** The entities of many refs at once, in the order asked, `null` where there is none. */
  async getEntitiesByRefs(
    request: { entityRefs: string[]; fields?: string[] },
    options: CatalogRequestOptions,
  ): Promise<{ items: (Entity | null)[] }> {
    return (await this.#request('POST', '/entities/by-refs', options, request)) as { items: (Entity | null)[] };
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
