import type { LoggerService } from '@trellis/backend-plugin-api';

/** What the start-up logger is told while plugins start. */
export interface StartupLogger {
  moduleIgnored(message: string): void;
  pluginLeftOut(pluginId: string): void;
  pluginStarted(pluginId: string, startupMs: number): void;
  pluginFailed(pluginId: string, message: string, error: unknown): void;
  /** Ends the slow-plugin watch and logs one summary line of every plugin. */
  finished(summary: { totalMs: number; moduleCount: number }): void;
  /** Ends the slow-plugin watch without a summary (the start failed). */
  stop(): void;
}

/** Options of {@link createStartupLogger}. */
export interface CreateStartupLoggerOptions {
  logger?: LoggerService;
  /** The plugins that start, in the order the summary lists them. */
  pluginIds: string[];
  slowPluginWarningMs: number;
}

/**
 * Logs start-up as it happens: each plugin's start time or failure, the plugins still starting
 * every `slowPluginWarningMs`, and at the end one summary line with every plugin's time.
 */
export function createStartupLogger(options: CreateStartupLoggerOptions): StartupLogger {
  const { logger, pluginIds } = options;
  const outcome = new Map<string, number | 'failed'>();
  const startedAt = Date.now();
  const timer = setInterval(() => {
    const waiting = pluginIds.filter((id) => !outcome.has(id));
    if (waiting.length > 0) {
      const names = waiting.map((id) => `'${id}'`).join(', ');
      logger?.warn(`Still waiting for plugins to start after ${Date.now() - startedAt}ms: ${names}`);
    }
  }, options.slowPluginWarningMs);
  timer.unref();
  return {
    moduleIgnored(message) {
      logger?.warn(message);
    },
    pluginLeftOut(pluginId) {
      logger?.info(`Plugin '${pluginId}' is not started on this backend (backend.plugins)`, { plugin: pluginId });
    },
    pluginStarted(pluginId, startupMs) {
      outcome.set(pluginId, startupMs);
      logger?.info(`Plugin '${pluginId}' started in ${startupMs}ms`, { plugin: pluginId, startupMs });
    },
    pluginFailed(pluginId, message, error) {
      outcome.set(pluginId, 'failed');
      logger?.error(message, { plugin: pluginId, error });
    },
    finished({ totalMs, moduleCount }) {
      clearInterval(timer);
      const times = pluginIds.map((id) => [id, outcome.get(id) ?? 'failed'] as const);
      const parts = times.map(([id, t]) => `${id} ${typeof t === 'number' ? `${t}ms` : t}`);
      logger?.info(
        `Backend started in ${Math.round(totalMs)}ms with ${pluginIds.length} plugin(s) and ${moduleCount} module(s): ${parts.join(', ')}`,
        { startupMs: Math.round(totalMs), plugins: Object.fromEntries(times) },
      );
    },
    stop() {
      clearInterval(timer);
    },
  };
}
