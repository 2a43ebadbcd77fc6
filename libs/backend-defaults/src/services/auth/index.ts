export { DefaultHttpAuthService } from './DefaultHttpAuthService';
export type { DefaultHttpAuthServiceOptions } from './DefaultHttpAuthService';
export { authServiceFactory, createAuthServiceFactory } from './authServiceFactory';
export type { AuthServiceFactoryOptions } from './authServiceFactory';
export { httpAuthServiceFactory } from './httpAuthServiceFactory';
export { createCredentials, isCredentials } from './createCredentials';
export { MIN_STATIC_TOKEN_LENGTH } from './external/readExternalAccess';
