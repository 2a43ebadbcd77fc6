export { DefaultRootSystemMetadataService } from './DefaultRootSystemMetadataService';
export { rootSystemMetadataServiceFactory } from './rootSystemMetadataServiceFactory';
