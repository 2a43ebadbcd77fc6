/**
 * Runtime shapes of features, for the backend wiring only (`@trellis/backend-plugin-api/internal`).
 * Plugin code must not import this entry point.
 */
export type { InternalServiceRef } from './createServiceRef';
export type { InternalServiceFactory } from './createServiceFactory';
export type {
  InternalBackendRegistrationFeature,
  InternalFeatureRegistration,
  InternalInitRegistration,
} from './createBackendPlugin';
export type { InternalBackendFeatureLoader } from './createBackendFeatureLoader';
export type { InternalExtensionPointRegistration } from './createExtensionPoint';
