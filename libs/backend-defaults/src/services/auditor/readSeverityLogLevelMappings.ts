import { AuditorServiceEventSeverityLevel, Config } from '@trellis/backend-plugin-api';

/** The log level each audit severity is written at. @public */
export type SeverityLogLevelMappings = Record<AuditorServiceEventSeverityLevel, AuditLogLevel>;

/** The levels an audit line may be written at. @public */
export type AuditLogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: readonly AuditLogLevel[] = ['debug', 'info', 'warn', 'error'];

const DEFAULTS: SeverityLogLevelMappings = { low: 'debug', medium: 'info', high: 'info', critical: 'info' };

/**
 * Reads `backend.auditor.severityLogLevelMappings`; a severity left out keeps its default (`low`
 * at `debug`, the others at `info`). A value that is not a log level stops the start with the key
 * named.
 */
export function readSeverityLogLevelMappings(config: Config): SeverityLogLevelMappings {
  const mappings = { ...DEFAULTS };
  for (const severity of Object.keys(DEFAULTS) as AuditorServiceEventSeverityLevel[]) {
    const key = `backend.auditor.severityLogLevelMappings.${severity}`;
    const value = config.getOptionalString(key);
    if (value === undefined) {
      continue;
    }
    if (!LEVELS.includes(value as AuditLogLevel)) {
      throw new Error(`Invalid config ${key}: must be one of ${LEVELS.join(', ')}, got '${value}'`);
    }
    mappings[severity] = value as AuditLogLevel;
  }
  return mappings;
}
