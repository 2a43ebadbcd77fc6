import type { BackendFeature } from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';
import { BackendFeatureInput } from './types';

/**
 * Awaits a feature input and unwraps `default` exports: once under tsx, esbuild and Jest, twice
 * when plain Node loads CommonJS compiled by tsc.
 */
export async function loadFeature(input: BackendFeatureInput): Promise<BackendFeature> {
  let value: unknown = await input;
  for (let depth = 0; depth < 3 && !isFeature(value); depth++) {
    value = (value as { default?: unknown } | undefined)?.default;
  }
  if (!isFeature(value)) {
    throw new TrellisError(
      'TRELLIS_ERR_INVALID_FEATURE',
      'backend.add() received something that is not a backend feature; pass a plugin, module or service factory, or import() of a package whose default export is one',
    );
  }
  return value;
}

function isFeature(value: unknown): value is BackendFeature {
  return (value as BackendFeature | undefined)?.$$type === '@trellis/BackendFeature';
}
