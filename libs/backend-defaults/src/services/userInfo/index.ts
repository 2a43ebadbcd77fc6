export { DefaultUserInfoService } from './DefaultUserInfoService';
export type { DefaultUserInfoServiceOptions } from './DefaultUserInfoService';
export { userInfoServiceFactory } from './userInfoServiceFactory';
