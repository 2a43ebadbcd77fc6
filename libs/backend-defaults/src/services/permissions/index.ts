export { DefaultPermissionsService } from './DefaultPermissionsService';
export type { DefaultPermissionsServiceOptions } from './DefaultPermissionsService';
export { DefaultPermissionsRegistryService } from './DefaultPermissionsRegistryService';
export { permissionsServiceFactory, permissionsRegistryServiceFactory } from './permissionsServiceFactory';
export { PERMISSIONS_METADATA_PATH, APPLY_CONDITIONS_PATH } from './createPermissionsRegistryRouter';
