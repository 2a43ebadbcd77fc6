/**
 * Stable codes of framework errors. Every code is documented in docs/errors.md; a test fails when
 * a code is missing there or the page documents a code that no longer exists.
 *
 * @public
 */
export const errorCodes = {
  TRELLIS_ERR_MISSING_SERVICE: 'A feature depends on a service that no factory provides',
  TRELLIS_ERR_SERVICE_CYCLE: 'Service factories depend on each other in a cycle',
  TRELLIS_ERR_MODULE_CYCLE: "Modules of one plugin use each other's extension points in a cycle",
  TRELLIS_ERR_SCOPE_VIOLATION: 'A root-scoped service depends on a plugin-scoped service',
  TRELLIS_ERR_DUPLICATE_PLUGIN: 'Two plugins were added with the same plugin ID',
  TRELLIS_ERR_DUPLICATE_MODULE: 'Two modules with the same ID were added for one plugin',
  TRELLIS_ERR_DUPLICATE_EXTENSION_POINT: 'An extension point was registered more than once',
  TRELLIS_ERR_FOREIGN_EXTENSION_POINT: 'A module uses an extension point of another plugin',
  TRELLIS_ERR_UNKNOWN_EXTENSION_POINT: 'A module uses an extension point no plugin registers',
  TRELLIS_ERR_EXTENSION_POINT_CLOSED: 'An extension point was used after initialisation',
  TRELLIS_ERR_DUPLICATE_SERVICE_FACTORY: 'Two factories were added for the same service',
  TRELLIS_ERR_ADDED_AFTER_START: 'A feature was added after the backend started',
  TRELLIS_ERR_INVALID_FEATURE: 'Something that is not a backend feature was passed to add()',
  TRELLIS_ERR_FEATURE_LOADER_FAILED: 'A feature loader threw, or yielded a factory for a service loaders use',
  TRELLIS_ERR_INVALID_ID: 'A plugin, module or service ID has an invalid format',
  TRELLIS_ERR_PLUGIN_BOOT_FAILED: 'A plugin or module threw during initialisation',
  TRELLIS_ERR_SERVICE_FACTORY_FAILED: 'A service factory threw while creating its service',
  TRELLIS_ERR_CONFIG_PARSE: 'A configuration file could not be parsed',
  TRELLIS_ERR_CONFIG_MISSING: 'A required configuration value is missing',
  TRELLIS_ERR_CONFIG_TYPE: 'A configuration value has the wrong type',
  TRELLIS_ERR_CONFIG_SCHEMA: "A plugin's configuration violates its schema",
  TRELLIS_ERR_URL_READER_CONFIG: 'The configuration of URL reading (integrations, backend.reading) is invalid',
  TRELLIS_ERR_SHUTDOWN_TIMEOUT: 'Shutdown did not finish within its time limit',
  TRELLIS_ERR_INVALID_STATE: 'The backend was started or stopped twice, or used after stop',
} as const;

/** One of the stable framework error codes. @public */
export type TrellisErrorCode = keyof typeof errorCodes;
