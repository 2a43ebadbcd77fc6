import type { Config } from './services/ConfigService';
import type {
  HumanDuration,
  SchedulerServiceTaskFrequency,
  SchedulerServiceTaskScheduleDefinition,
} from './services/SchedulerService';

/**
 * Reads a task schedule from config, so operators can change it without a code change:
 *
 * ```yaml
 * catalog:
 *   refresh:
 *     frequency: { minutes: 10 }     # or: PT10M, { cron: '0 * * * *' }, { trigger: manual }
 *     timeout: { minutes: 2 }
 *     initialDelay: PT30S            # optional
 *     scope: global                  # optional: global (default) or local
 * ```
 *
 * @public
 */
export function readSchedulerServiceTaskScheduleDefinitionFromConfig(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  const frequency = config.get<SchedulerServiceTaskFrequency>('frequency');
  const timeout = config.get<HumanDuration | string>('timeout');
  const initialDelay = config.getOptional<HumanDuration | string>('initialDelay');
  const scope = config.getOptionalString('scope');
  if (scope !== undefined && scope !== 'global' && scope !== 'local') {
    throw new Error(`Invalid task scope '${scope}'; use 'global' or 'local'`);
  }
  return { frequency, timeout, ...(initialDelay !== undefined && { initialDelay }), ...(scope && { scope }) };
}
