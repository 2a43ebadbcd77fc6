/**
 * Module 'openapi' of the catalog plugin: resolves API definitions written as
 * `{ $openapi: ./openapi/orders.yaml }` from files beside the entity.
 *
 * @packageDocumentation
 */
export { catalogModuleOpenapi as default } from './module';
export {
  OpenApiDefinitionProcessor,
  ANNOTATION_API_VERSION,
  ANNOTATION_OPENAPI_VERSION,
  DEFAULT_MAX_DEFINITION_BYTES,
} from './OpenApiDefinitionProcessor';
export type { OpenApiDefinitionProcessorOptions } from './OpenApiDefinitionProcessor';
