export { DefaultSchedulerService } from './DefaultSchedulerService';
export type { SchedulerSettings } from './DefaultSchedulerService';
export { schedulerServiceFactory } from './schedulerServiceFactory';
