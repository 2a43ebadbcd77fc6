import type { RootLifecycleControl } from '@trellis/backend-app-api';
import {
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
}

/**
 * The default root lifecycle: startup hooks in order once every plugin initialised; on shutdown,
 * before-shutdown hooks in order, then shutdown hooks in reverse order of registration, each
 * bounded by its time limit. A failing or late hook is logged (with the logger given with the hook,
 * which for a plugin's hook carries the plugin ID) and the next one runs.
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

  addStartupHook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions): void {
    if (this.#phase !== 'init') {
      throw new Error('Startup hooks must be added during plugin initialisation, before the backend started');
    }
    this.#startupHooks.push(this.#hook(hook, options));
  }

  addBeforeShutdownHook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions): void {
    this.#beforeShutdownHooks.push(this.#hook(hook, options));
  }

  addShutdownHook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions): void {
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

  #hook(hook: LifecycleServiceHook, options?: LifecycleServiceHookOptions): Hook {
    return {
      hook,
      logger: options?.logger ?? this.#logger,
      timeoutMs: options?.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS,
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
        hook.logger.warn(`A ${kind} hook did not finish within ${hook.timeoutMs}ms; continuing`);
      }
    } catch (error) {
      hook.logger.error(`A ${kind} hook failed`, error as Error);
    } finally {
      clearTimeout(timer);
    }
  }
}
