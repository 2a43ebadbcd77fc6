export { policyExtensionPoint } from './policyExtensionPoint';
export type { PolicyExtensionPoint } from './policyExtensionPoint';
