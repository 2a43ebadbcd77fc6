export { DefaultActionsRegistryService, ACTIONS_PATH } from './DefaultActionsRegistryService';
export type { DefaultActionsRegistryServiceOptions } from './DefaultActionsRegistryService';
export { actionsRegistryServiceFactory } from './actionsRegistryServiceFactory';
