export { HostDiscovery, readDiscoveryEndpoints, endpointUrl } from './HostDiscovery';
export type { DiscoveryEndpoint } from './HostDiscovery';
export { discoveryServiceFactory } from './discoveryServiceFactory';
