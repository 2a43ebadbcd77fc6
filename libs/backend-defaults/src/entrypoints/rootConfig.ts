/**
 * `@trellis/backend-defaults/rootConfig`: the default rootConfig service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export {
  ConfigReader,
  rootConfigServiceFactory,
  createRootConfigServiceFactory,
  loadConfigFiles,
  collectSecretValues,
} from '../services/rootConfig';
