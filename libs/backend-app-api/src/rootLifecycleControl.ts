/**
 * What the wiring needs of a root lifecycle to drive it: run the startup hooks once every plugin
 * started, and the shutdown hooks on stop. The default implementation is
 * `DefaultRootLifecycleService` in `@trellis/backend-defaults`; a replacement that lacks these
 * methods gets no hooks run.
 *
 * @public
 */
export interface RootLifecycleControl {
  startup(): Promise<void>;
  beforeShutdown(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Whether a root lifecycle implementation can be driven by the wiring. @public */
export function isRootLifecycleControl(value: unknown): value is RootLifecycleControl {
  const v = value as Partial<RootLifecycleControl>;
  return typeof v?.startup === 'function' && typeof v.shutdown === 'function' && typeof v.beforeShutdown === 'function';
}
