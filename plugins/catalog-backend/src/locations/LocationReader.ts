import { LoggerService } from '@trellis/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorResult,
  DeferredEntity,
  Entity,
  LocationSpec,
  stringifyLocationRef,
} from '@trellis/plugin-catalog-node';
import path from 'node:path';
import { RetainedLocation } from '../database/planMutation';
import {
  expandFileTarget,
  isInside,
  MAX_FILE_BYTES,
  parseEntityFile,
  readCatalogFile,
  realPathOrSelf,
  staticBase,
} from './readFileLocation';

/** How deep `Location` entities may point at further locations. */
const MAX_DEPTH = 10;

/** What reading a URL gave: its bytes and etag, or that it did not change since `etag`. */
export type UrlReadResult = { data: Buffer; etag?: string } | { notModified: true };

/** Reads a URL, passing the etag of the last read; see `readUrlWithUrlReader`. */
export type ReadUrl = (url: string, options: { etag?: string; signal?: AbortSignal }) => Promise<UrlReadResult>;

/** Options of {@link LocationReader}. */
export interface LocationReaderOptions {
  logger: LoggerService;
  /** Absent: `url` locations are reported as unreadable. */
  readUrl?: ReadUrl;
  /** Processors whose `readLocation` reads location types other than `file` and `url`. */
  processors?: CatalogProcessor[];
}

/** What the catalog knows of a location from its last read. */
export interface PreviousRead {
  /** Etags of the URLs read last time, by location key. */
  etags: ReadonlyMap<string, string>;
  /** The stored entities read from a location key, to follow the `Location` entities of a URL that did not change. */
  storedAt(locationKey: string): Promise<Entity[]>;
}

/** Everything read from one registered or configured location and what it points at. */
export interface LocationReadResult {
  entities: DeferredEntity[];
  /** Locations whose entities stay as stored: unchanged URLs (no message) and unreadable ones (message). */
  retain: RetainedLocation[];
  /** The etag of every URL of this read, by location key. */
  etags: Map<string, string>;
  /** Files and URLs whose content was read and parsed. */
  read: number;
  /** URLs that answered "not modified". */
  unchanged: number;
}

interface Pending {
  location: LocationSpec;
  depth: number;
}

/**
 * Reads a location and every location its `Location` entities point at: `file` targets (paths or
 * globs, never outside the folder of the configured file location), `url` targets through the
 * URL reader with the etag of the last read, and other types through processors' `readLocation`.
 * Every entity read is annotated with where it was read from and the location it was reached from.
 */
export class LocationReader {
  readonly #options: LocationReaderOptions;

  constructor(options: LocationReaderOptions) {
    this.#options = options;
  }

  async read(origin: LocationSpec, previous?: PreviousRead, signal?: AbortSignal): Promise<LocationReadResult> {
    const run = new LocationRun(this.#options, origin, previous, signal);
    await run.visit({ location: origin, depth: 0 });
    return run.result;
  }
}

/** One read of one origin: what it found so far and which locations it visited. */
class LocationRun {
  readonly result: LocationReadResult = { entities: [], retain: [], etags: new Map(), read: 0, unchanged: 0 };
  readonly #visited = new Set<string>();
  readonly #root: string | undefined;
  readonly #realRoot: Promise<string> | undefined;
  readonly #originRef: string;

  constructor(
    private readonly reader: LocationReaderOptions,
    origin: LocationSpec,
    private readonly previous: PreviousRead | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.#originRef = stringifyLocationRef(origin);
    if (origin.type === 'file') {
      this.#root = staticBase(origin.target, true);
      this.#realRoot = realPathOrSelf(this.#root);
    }
  }

  async visit(pending: Pending): Promise<void> {
    this.signal?.throwIfAborted();
    const { location } = pending;
    if (location.type === 'file') {
      for (const file of await expandFileTarget(location.target)) {
        await this.#visitFile({ ...pending, location: { type: 'file', target: file } });
      }
    } else if (location.type === 'url') {
      await this.#visitUrl(pending);
    } else {
      await this.#visitWithProcessors(pending);
    }
  }

  #firstVisit(locationKey: string): boolean {
    if (this.#visited.has(locationKey)) {
      return false;
    }
    this.#visited.add(locationKey);
    return true;
  }

  #refuse(locationKey: string, message: string): void {
    this.reader.logger.warn(`Catalog location unreadable, its entities are kept as they were: ${message}`);
    this.result.retain.push({ locationKey, message });
  }

  async #visitFile(pending: Pending): Promise<void> {
    const file = pending.location.target;
    const key = `file:${file}`;
    if (!this.#firstVisit(key)) {
      return;
    }
    if (this.#root === undefined || this.#realRoot === undefined) {
      this.#refuse(key, `${file}: a file location may only be reached from a configured file location`);
      return;
    }
    let documents: unknown[];
    try {
      documents = parseEntityFile(await readCatalogFile(file, this.#root, this.#realRoot));
    } catch (error) {
      const message = `${file}: ${error instanceof Error ? error.message : String(error)}`;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.reader.logger.warn(`Catalog location ${message}`);
        return;
      }
      this.#refuse(key, message);
      return;
    }
    this.result.read++;
    await this.#accept(pending, documents);
  }

  async #visitUrl(pending: Pending): Promise<void> {
    const url = pending.location.target;
    const key = `url:${url}`;
    if (!this.#firstVisit(key)) {
      return;
    }
    const readUrl = this.reader.readUrl;
    if (!readUrl) {
      this.#refuse(key, `${url}: this backend has no URL reader, so url locations cannot be read`);
      return;
    }
    const etag = this.previous?.etags.get(key);
    let answer: UrlReadResult;
    try {
      answer = await readUrl(url, { etag, signal: this.signal });
    } catch (error) {
      this.signal?.throwIfAborted();
      if (pending.location.presence === 'optional' && (error as Error)?.name === 'NotFoundError') {
        // An optional location that does not exist is empty, not an error (a repository without a catalog file).
        return;
      }
      this.#refuse(key, `${url}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if ('notModified' in answer) {
      this.result.unchanged++;
      this.result.retain.push({ locationKey: key });
      this.result.etags.set(key, etag!);
      const stored = (await this.previous?.storedAt(key)) ?? [];
      await this.#follow(pending, stored);
      return;
    }
    if (answer.data.length > MAX_FILE_BYTES) {
      this.#refuse(key, `${url}: ${answer.data.length} bytes, more than the ${MAX_FILE_BYTES} an entity file may have`);
      return;
    }
    let documents: unknown[];
    try {
      documents = parseEntityFile(answer.data);
    } catch (error) {
      this.#refuse(key, `${url}: ${(error as Error).message}`);
      return;
    }
    if (answer.etag) {
      this.result.etags.set(key, answer.etag);
    }
    this.result.read++;
    await this.#accept(pending, documents);
  }

  async #visitWithProcessors(pending: Pending): Promise<void> {
    const { location } = pending;
    const key = stringifyLocationRef(location);
    if (!this.#firstVisit(key)) {
      return;
    }
    const emitted: CatalogProcessorResult[] = [];
    const emit = (result: CatalogProcessorResult) => void emitted.push(result);
    const parser = async function* (options: { data: Buffer; location: LocationSpec }) {
      for (const document of parseEntityFile(options.data)) {
        yield { type: 'entity', entity: document as Entity, location: options.location } as CatalogProcessorResult;
      }
    };
    let handled = false;
    try {
      for (const processor of this.reader.processors ?? []) {
        if (processor.readLocation && (await processor.readLocation(location, false, emit, parser, noCache))) {
          handled = true;
          break;
        }
      }
    } catch (error) {
      this.#refuse(key, `${key}: ${(error as Error).message}`);
      return;
    }
    if (!handled) {
      this.#refuse(key, `${key}: no processor reads locations of type '${location.type}'`);
      return;
    }
    this.result.read++;
    for (const result of emitted) {
      if (result.type === 'entity') {
        this.#add(result.entity, result.location, result.locationKey ?? stringifyLocationRef(result.location));
      } else if (result.type === 'location') {
        await this.#next(pending, result.location);
      } else if (result.type === 'error') {
        this.#refuse(stringifyLocationRef(result.location), `${key}: ${result.error.message}`);
      }
    }
  }

  async #accept(pending: Pending, documents: unknown[]): Promise<void> {
    const key = stringifyLocationRef(pending.location);
    for (const document of documents) {
      this.#add(document as Entity, pending.location, key);
    }
    await this.#follow(pending, documents);
  }

  #add(document: Entity, location: LocationSpec, locationKey: string): void {
    this.result.entities.push({ entity: annotate(document, location, this.#originRef), locationKey });
  }

  /** Reads the targets of the `Location` entities among `documents`. */
  async #follow(pending: Pending, documents: unknown[]): Promise<void> {
    for (const document of documents) {
      for (const next of locationTargets(document, pending.location)) {
        if ('refused' in next) {
          this.#refuse(next.key, `${pending.location.target}: ${next.refused}`);
          continue;
        }
        await this.#next(pending, next);
      }
    }
  }

  async #next(pending: Pending, next: LocationSpec): Promise<void> {
    const key = `${next.type}:${next.target}`;
    if (pending.depth >= MAX_DEPTH) {
      this.#refuse(key, `${pending.location.target}: Location entities nest deeper than ${MAX_DEPTH}`);
      return;
    }
    if (next.type === 'file' && this.#root !== undefined && !isInside(staticBase(next.target), this.#root)) {
      this.#refuse(
        key,
        `${pending.location.target}: Location target '${next.target}' leaves ${this.#root}, the folder of the configured location it was reached from`,
      );
      return;
    }
    await this.visit({ location: next, depth: pending.depth + 1 });
  }
}

const noCache: CatalogProcessorCache = { get: async () => undefined, set: async () => {} };

/** The entity with the location annotations Backstage sets, when it is an object at all. */
function annotate(document: Entity, location: LocationSpec, originRef: string): Entity {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return document;
  }
  const metadata = (document as Partial<Entity>).metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    return document;
  }
  const annotations =
    typeof metadata.annotations === 'object' && metadata.annotations !== null ? metadata.annotations : {};
  return {
    ...document,
    metadata: {
      ...metadata,
      annotations: {
        ...annotations,
        [ANNOTATION_LOCATION]: `${location.type}:${location.target}`,
        [ANNOTATION_ORIGIN_LOCATION]: originRef,
      },
    },
  };
}

/**
 * The locations a `Location` entity points at, resolved against the location holding it: paths
 * against a file's folder, URLs against a URL. A file target in a URL's entity is refused (a
 * remote file must not make the backend read its own disk).
 */
export function locationTargets(
  document: unknown,
  base: LocationSpec,
): (LocationSpec | { key: string; refused: string })[] {
  const entity = document as {
    kind?: unknown;
    spec?: { type?: unknown; target?: unknown; targets?: unknown; presence?: unknown };
  } | null;
  if (typeof entity?.kind !== 'string' || entity.kind.toLowerCase() !== 'location' || !entity.spec) {
    return [];
  }
  const type = typeof entity.spec.type === 'string' ? entity.spec.type : base.type;
  const targets = [entity.spec.target, ...(Array.isArray(entity.spec.targets) ? entity.spec.targets : [])].filter(
    (t): t is string => typeof t === 'string' && t.length > 0,
  );
  const optional = entity.spec.presence === 'optional';
  return targets.map((target) => {
    const resolved = resolveTarget(type, target, base);
    return optional && !('refused' in resolved) ? { ...resolved, presence: 'optional' as const } : resolved;
  });
}

function resolveTarget(
  type: string,
  target: string,
  base: LocationSpec,
): LocationSpec | { key: string; refused: string } {
  if (type === 'file') {
    if (base.type !== 'file') {
      return { key: `file:${target}`, refused: `a ${base.type} location may not point at file '${target}'` };
    }
    return { type, target: path.resolve(path.dirname(base.target), target) };
  }
  if (type === 'url') {
    try {
      return {
        type,
        target: base.type === 'url' ? new URL(target, base.target).toString() : new URL(target).toString(),
      };
    } catch {
      return { key: `url:${target}`, refused: `Location target '${target}' is not a URL` };
    }
  }
  return { type, target };
}
