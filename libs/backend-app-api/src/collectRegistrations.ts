import type { BackendFeature } from '@trellis/backend-plugin-api';
import type {
  InternalBackendRegistrationFeature,
  InternalFeatureRegistration,
  InternalServiceFactory,
} from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';

/** The plugin and module registrations among the features; a failing `register` is a problem. */
export function collectRegistrations(
  features: BackendFeature[],
  problems: TrellisError[],
): InternalFeatureRegistration[] {
  const registrations: InternalFeatureRegistration[] = [];
  for (const feature of features) {
    const internal = feature as InternalBackendRegistrationFeature;
    if (internal.featureType !== 'registrations') {
      continue;
    }
    try {
      registrations.push(...internal.getRegistrations());
    } catch (error) {
      problems.push(asTrellisError(error, 'TRELLIS_ERR_PLUGIN_BOOT_FAILED'));
    }
  }
  return registrations;
}

/** Whether a feature is a service factory. */
export function isServiceFactory(feature: BackendFeature): feature is InternalServiceFactory {
  return (feature as InternalServiceFactory).featureType === 'service';
}

/** A framework error for anything thrown, with `code` unless it is one already. */
export function asTrellisError(error: unknown, code: TrellisError['code']): TrellisError {
  return TrellisError.is(error) ? error : new TrellisError(code, (error as Error)?.message ?? String(error), error);
}
