export { startTestBackend, mergeConfig } from './startTestBackend';
export type { StartTestBackendOptions, TestBackend } from './startTestBackend';
export { mockServices } from './mockServices';
export type { CapturedLogLine, MockRootLoggerOptions } from './mockServices';
export { mockCredentials } from './mockCredentials';
export type { MockServiceTokenOptions } from './mockCredentials';
export { MockAuthService } from './MockAuthService';
