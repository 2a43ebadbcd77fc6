import { Config } from '@trellis/backend-plugin-api';

/** Options of {@link readIntegerConfig}. */
export interface ReadIntegerConfigOptions {
  /** The full config path of `config`, for the error message (`backend.database.plugin.todo`). */
  path: string;
  min: number;
  max?: number;
}

/**
 * Reads an optional whole number, refusing fractions, negatives and out-of-range values at start
 * with an error that names the full key, instead of misbehaving later at the first query or run.
 */
export function readIntegerConfig(config: Config, key: string, options: ReadIntegerConfigOptions): number | undefined {
  const fullKey = `${options.path}.${key}`;
  let value: number | undefined;
  try {
    value = config.getOptionalNumber(key);
  } catch {
    value = NaN;
  }
  if (value === undefined) {
    return undefined;
  }
  const { min, max } = options;
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new Error(
      `Invalid config ${fullKey}: must be a whole number ${range}, got ${JSON.stringify(config.getOptional(key))}`,
    );
  }
  return value;
}
