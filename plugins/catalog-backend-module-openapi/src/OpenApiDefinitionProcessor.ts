import { LoggerService } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  Entity,
  EntityValue,
  LocationSpec,
  stringifyEntityRef,
} from '@trellis/plugin-catalog-node';
import { OpenApiSummary, parseOpenApiDocument } from './parseOpenApiDocument';
import { readDefinitionFile } from './readDefinitionFile';

/** The annotation holding the `openapi` (or `swagger`) version of a resolved definition. @public */
export const ANNOTATION_OPENAPI_VERSION = 'trellis.dev/openapi-version';
/** The annotation holding `info.version` of a resolved definition. @public */
export const ANNOTATION_API_VERSION = 'trellis.dev/api-version';

/** The default largest definition file: 5 MiB. @public */
export const DEFAULT_MAX_DEFINITION_BYTES = 5 * 1024 * 1024;

/** Options of {@link OpenApiDefinitionProcessor.create}. @public */
export interface OpenApiDefinitionProcessorOptions {
  logger: LoggerService;
  /** Larger definition files are refused; default {@link DEFAULT_MAX_DEFINITION_BYTES}. */
  maxBytes?: number;
}

/**
 * Resolves `spec.definition: { $openapi: ./openapi/orders.yaml }` of API entities read from files:
 * reads the file (relative to the entity's file, never outside its folder), checks that it is an
 * OpenAPI 3.x or Swagger 2.0 document, and puts its text in `spec.definition`. It also records the
 * spec and API versions as annotations and takes `metadata.title` from `info.title` when the
 * entity has no title. Any problem is an `InputError` naming the entity and the file.
 *
 * @public
 */
export class OpenApiDefinitionProcessor implements CatalogProcessor {
  readonly #logger: LoggerService;
  readonly #maxBytes: number;

  private constructor(options: OpenApiDefinitionProcessorOptions) {
    this.#logger = options.logger;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_DEFINITION_BYTES;
  }

  static create(options: OpenApiDefinitionProcessorOptions): OpenApiDefinitionProcessor {
    return new OpenApiDefinitionProcessor(options);
  }

  getProcessorName(): string {
    return 'OpenApiDefinitionProcessor';
  }

  async preProcessEntity(entity: Entity, location: LocationSpec, _emit?: CatalogProcessorEmit): Promise<Entity> {
    const placeholder = findPlaceholder(entity);
    if (!placeholder) {
      return entity;
    }
    const where = `Cannot resolve spec.definition { $openapi: ${JSON.stringify(placeholder.target)} } of ${stringifyEntityRef(entity)} in ${location.target}`;
    try {
      checkPlaceholder(placeholder, location);
      const file = await readDefinitionFile({
        entityFile: location.target,
        target: placeholder.target,
        maxBytes: this.#maxBytes,
      });
      const summary = parseDocumentOf(file.path, file.text);
      this.#logger.debug(`Resolved the OpenAPI definition of ${stringifyEntityRef(entity)} from ${file.path}`);
      return withDefinition(entity, file.text, summary);
    } catch (error) {
      throw error instanceof InputError ? new InputError(`${where}: ${error.message}`) : new InputError(where, error);
    }
  }
}

interface Placeholder {
  target: EntityValue;
  otherKeys: string[];
}

function findPlaceholder(entity: Entity): Placeholder | undefined {
  const definition = entity.spec?.definition;
  if (entity.kind.toLowerCase() !== 'api' || !isObject(definition) || !Object.hasOwn(definition, '$openapi')) {
    return undefined;
  }
  return { target: definition.$openapi, otherKeys: Object.keys(definition).filter((key) => key !== '$openapi') };
}

function checkPlaceholder(placeholder: Placeholder, location: LocationSpec): void {
  if (placeholder.otherKeys.length > 0) {
    throw new InputError(
      `the definition object may hold only $openapi, but also has ${placeholder.otherKeys.join(', ')}`,
    );
  }
  if (location.type !== 'file') {
    throw new InputError(
      `$openapi is resolved only for entities read from file locations, not from a '${location.type}' location`,
    );
  }
}

function parseDocumentOf(path: string, text: string): OpenApiSummary {
  try {
    return parseOpenApiDocument(text);
  } catch (error) {
    throw error instanceof InputError ? new InputError(`the file ${path} is refused: ${error.message}`) : error;
  }
}

function withDefinition(entity: Entity, text: string, summary: OpenApiSummary): Entity {
  return {
    ...entity,
    metadata: {
      ...entity.metadata,
      title: entity.metadata.title ?? summary.title,
      annotations: {
        ...entity.metadata.annotations,
        [ANNOTATION_OPENAPI_VERSION]: summary.specVersion,
        [ANNOTATION_API_VERSION]: summary.apiVersion,
      },
    },
    spec: { ...entity.spec, definition: text },
  };
}

function isObject(value: unknown): value is { [key: string]: EntityValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
