/**
 * `@trellis/backend-defaults/scheduler`: the default scheduler service, its factory and what
 * configures it. A driver or client the service needs loads when the service first uses it.
 *
 * @packageDocumentation
 */
export { DefaultSchedulerService, schedulerServiceFactory } from '../services/scheduler';
export type { SchedulerSettings } from '../services/scheduler';
