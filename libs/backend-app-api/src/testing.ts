import { coreServices, createServiceFactory, JsonObject, LoggerService } from '@trellis/backend-plugin-api';

/** A logged line, captured by {@link captureLoggerFactory}. */
export interface LoggedLine {
  level: string;
  message: string;
  meta?: unknown;
}

/** A root logger that records every line; for this package's tests. */
export function captureLoggerFactory(lines: LoggedLine[]) {
  const make = (fields: Record<string, unknown>): LoggerService => ({
    error: (message, meta) => lines.push({ level: 'error', message, meta: { ...fields, ...(meta as object) } }),
    warn: (message, meta) => lines.push({ level: 'warn', message, meta: { ...fields, ...(meta as object) } }),
    info: (message, meta) => lines.push({ level: 'info', message, meta: { ...fields, ...(meta as object) } }),
    debug: (message, meta) => lines.push({ level: 'debug', message, meta: { ...fields, ...(meta as object) } }),
    child: (meta) => make({ ...fields, ...meta }),
  });
  return createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => make({}) });
}

/** A root config over plain data, reading dotted keys; for this package's tests. */
export function dataConfigFactory(data: JsonObject) {
  const at = (key: string) =>
    key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as JsonObject)[k] : undefined), data);
  const typed = (type: string) => (key: string) => {
    const value = at(key);
    if (value !== undefined && typeof value !== type) {
      throw new Error(`Invalid type at '${key}'`);
    }
    return value;
  };
  return createServiceFactory({
    service: coreServices.rootConfig,
    deps: {},
    factory: () =>
      ({
        getOptionalString: typed('string'),
        getOptionalNumber: typed('number'),
        getOptionalBoolean: typed('boolean'),
        getOptionalStringArray: (key: string) => {
          const value = at(key);
          if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
            throw new Error(`Invalid type at '${key}'`);
          }
          return value;
        },
        getOptional: at,
        has: (key: string) => at(key) !== undefined,
      }) as never,
  });
}
