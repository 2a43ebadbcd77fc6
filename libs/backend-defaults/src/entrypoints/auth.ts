/**
 * `@trellis/backend-defaults/auth`: the default auth service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export {
  DefaultHttpAuthService,
  authServiceFactory,
  createAuthServiceFactory,
  httpAuthServiceFactory,
  createCredentials,
  isCredentials,
  MIN_STATIC_TOKEN_LENGTH,
} from '../services/auth';
export type { AuthServiceFactoryOptions, DefaultHttpAuthServiceOptions } from '../services/auth';
