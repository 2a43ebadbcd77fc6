/**
 * Where plugins live: this backend by default, another one per `discovery.endpoints`.
 *
 * @public
 */
export interface DiscoveryService {
  /** Base URL for calls between backends, such as `http://catalog:7007/api/catalog`. */
  getBaseUrl(pluginId: string): Promise<string>;
  /** Base URL for callers outside the deployment. */
  getExternalBaseUrl(pluginId: string): Promise<string>;
}
