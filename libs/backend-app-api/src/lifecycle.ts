import {
  coreServices,
  createServiceFactory,
  LifecycleServiceHook,
  LifecycleServiceHookOptions,
  LoggerService,
  RootLifecycleService,
} from '@trellis/backend-plugin-api';

const DEFAULT_HOOK_TIMEOUT_MS = 10_000;

interface Hook {
  hook: LifecycleServiceHook;
  logger: LoggerService;
  timeoutMs: number;
  label: string;
}

/** The controls of a root lifecycle that the backend wiring drives. @public */
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

/**
 * The default root lifecycle: startup hooks in order once every plugin initialised; on shutdown,
 * before-shutdown hooks in order, then shutdown hooks in reverse order of registration, each
 * bounded by its time limit. A failing or late hook is logged and the next one runs.
 *
 * @public
 */
export class DefaultRootLifecycleService implements RootLifecycleService, RootLifecycleControl {
  readonly #logger: LoggerService;
  readonly #startupHooks: Hook[] = [];
  readonly #beforeShutdownHooks: Hook[] = [];
  readonly #shutdownHooks: Hook[] = [];
  #phase: 'init' | 'started' | 'stopping' = 'init';

  private constructor(logger: LoggerService) {
    this.#logger = logger;
  }

  static create(options: { logger: LoggerService }): DefaultRootLifecycleService {
    return new DefaultRootLifecycleService(options.logger);
  }

  addStartupHook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions & { label?: string }): void {
    if (this.#phase !== 'init') {
      throw new Error('Startup hooks must be added during plugin initialisation, before the backend started');
    }
    this.#startupHooks.push(this.#hook(hook, options));
  }

  addBeforeShutdownHook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions & { label?: string }): void {
    this.#beforeShutdownHooks.push(this.#hook(hook, options));
  }

  addShutdownHook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions & { label?: string }): void {
    this.#shutdownHooks.push(this.#hook(hook, options));
  }

  async startup(): Promise<void> {
    this.#phase = 'started';
    for (const hook of this.#startupHooks) {
      await hook.hook();
    }
  }

  async beforeShutdown(): Promise<void> {
    this.#phase = 'stopping';
    for (const hook of this.#beforeShutdownHooks) {
      await this.#runBounded(hook, 'before-shutdown');
    }
  }

  async shutdown(): Promise<void> {
    this.#phase = 'stopping';
    for (const hook of [...this.#shutdownHooks].reverse()) {
      await this.#runBounded(hook, 'shutdown');
    }
  }

  #hook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions & { label?: string }): Hook {
    return {
      hook,
      logger: options?.logger ?? this.#logger,
      timeoutMs: options?.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS,
      label: options?.label ?? 'root',
    };
  }

  async #runBounded(hook: Hook, kind: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), hook.timeoutMs);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(hook.hook), timeout]);
      if (result === 'timeout') {
        hook.logger.warn(`A ${kind} hook of ${hook.label} did not finish within ${hook.timeoutMs}ms; continuing`);
      }
    } catch (error) {
      hook.logger.error(`A ${kind} hook of ${hook.label} failed`, error as Error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Factory of the default root lifecycle. @public */
export const rootLifecycleServiceFactory = createServiceFactory({
  service: coreServices.rootLifecycle,
  deps: { logger: coreServices.rootLogger },
  factory: ({ logger }) => DefaultRootLifecycleService.create({ logger }),
});

/** Factory of the plugin lifecycle: the root lifecycle, hooks labelled with the plugin. @public */
export const lifecycleServiceFactory = createServiceFactory({
  service: coreServices.lifecycle,
  deps: {
    rootLifecycle: coreServices.rootLifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
  },
  factory({ rootLifecycle, logger, pluginMetadata }) {
    const label = `plugin '${pluginMetadata.getId()}'`;
    const root = rootLifecycle as DefaultRootLifecycleService;
    return {
      addStartupHook(hook, options) {
        root.addStartupHook(hook, { logger, label, ...options });
      },
      addShutdownHook(hook, options) {
        root.addShutdownHook(hook, { logger, label, ...options });
      },
    };
  },
});
