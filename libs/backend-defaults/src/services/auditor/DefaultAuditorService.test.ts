import { LoggerService, LogMeta } from '@trellis/backend-plugin-api';
import { ConfigReader } from '../rootConfig';
import { DefaultAuditorService } from './DefaultAuditorService';
import { readSeverityLogLevelMappings } from './readSeverityLogLevelMappings';

type Line = { level: string; message: string } & LogMeta;

function capturingLogger(lines: Line[], fields: LogMeta = {}): LoggerService {
  const log = (level: string) => (message: string, meta?: Error | LogMeta) =>
    lines.push({ level, message, ...fields, ...(meta as LogMeta) });
  return {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: (meta) => capturingLogger(lines, { ...fields, ...meta }),
  };
}

function auditor(lines: Line[], config: object = {}) {
  return DefaultAuditorService.create({
    logger: capturingLogger(lines),
    pluginId: 'billing',
    httpAuth: {
      credentials: async () => Promise.reject(new Error('no request in these tests')),
      issueUserCookie: async () => Promise.reject(new Error('no response in these tests')),
    },
    severityLogLevelMappings: readSeverityLogLevelMappings(ConfigReader.fromData(config as never)),
  });
}

describe('DefaultAuditorService', () => {
  it('writes an initiated and a succeeded line marked as audit events, at debug for low severity', async () => {
    const lines: Line[] = [];
    const event = await auditor(lines).createEvent({ eventId: 'invoice-read', meta: { invoiceId: 'i-1' } });
    await event.success({ meta: { rows: 3 } });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'debug', isAuditEvent: true, plugin: 'billing', status: 'initiated' }),
      expect.objectContaining({ level: 'debug', status: 'succeeded', meta: { invoiceId: 'i-1', rows: 3 } }),
    ]);
    expect(lines[0]).toMatchObject({ message: 'billing.invoice-read', eventId: 'invoice-read', severityLevel: 'low' });
    expect(lines[0].actor).toBeUndefined();
  });

  it('writes a failed line with the error name and message, at the configured level', async () => {
    const lines: Line[] = [];
    const service = auditor(lines, { backend: { auditor: { severityLogLevelMappings: { critical: 'warn' } } } });
    const event = await service.createEvent({ eventId: 'role-grant', severityLevel: 'critical' });
    await event.fail({ error: new TypeError('no such role') });
    expect(lines.map((line) => [line.level, line.status])).toEqual([
      ['warn', 'initiated'],
      ['warn', 'failed'],
    ]);
    expect(lines[1].error).toEqual({ name: 'TypeError', message: 'no such role' });
  });

  it('maps severities to the default levels', () => {
    expect(readSeverityLogLevelMappings(ConfigReader.fromData({}))).toEqual({
      low: 'debug',
      medium: 'info',
      high: 'info',
      critical: 'info',
    });
  });

  it('refuses a level that does not exist, naming the key', () => {
    const config = ConfigReader.fromData({ backend: { auditor: { severityLogLevelMappings: { high: 'loud' } } } });
    expect(() => readSeverityLogLevelMappings(config)).toThrow(
      "Invalid config backend.auditor.severityLogLevelMappings.high: must be one of debug, info, warn, error, got 'loud'",
    );
  });
});
