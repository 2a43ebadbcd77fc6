export { startTestBackend, mergeConfig } from './startTestBackend';
export type { StartTestBackendOptions, TestBackend } from './startTestBackend';
export { mockServices } from './mockServices';
export type { CapturedLogLine, MockDatabaseOptions, MockRootLoggerOptions } from './mockServices';
export { createServiceMock } from './createServiceMock';
export type { ServiceMock } from './createServiceMock';
export { ServiceFactoryTester } from './ServiceFactoryTester';
export type { ServiceFactoryTesterOptions } from './ServiceFactoryTester';
export { createMockDirectory } from './createMockDirectory';
export type {
  CreateMockDirectoryOptions,
  MockDirectory,
  MockDirectoryContent,
  MockDirectoryContentCallback,
  MockDirectoryContentCallbackContext,
  MockDirectoryContentOptions,
} from './createMockDirectory';
export { mockCredentials } from './mockCredentials';
export type { MockServiceTokenOptions } from './mockCredentials';
export { MockAuthService } from './MockAuthService';
export { MockUrlReader } from './MockUrlReader';
export type { MockUrlReaderOptions } from './MockUrlReader';
export { sendHostileRequests, findUnexpectedAnswers } from './sendHostileRequests';
export type { SendHostileRequestsOptions, HostileRequestResult } from './sendHostileRequests';
export type { HostileRoute } from './hostileRequestCases';
export { rawHttpRequest } from '@trellis/test-kit';
export type { RawHttpRequestOptions, RawHttpResponse } from '@trellis/test-kit';
export { TestDatabases } from './TestDatabases';
export type { TestDatabaseId, TestDatabasesOptions } from './TestDatabases';
export { freePort, waitFor, startRedis, requirePostgres, requireRedis, requireCommand } from '@trellis/test-kit';
export type { WaitForOptions, TestRedis } from '@trellis/test-kit';
export type { MockPermissionsOptions, MockUserInfoOptions } from './mockPermissionServices';
export { TestCaches } from './TestCaches';
export type { TestCache, TestCacheId, TestCachesOptions } from './TestCaches';
