export { DefaultAuditorService } from './DefaultAuditorService';
export type { AuditActor, DefaultAuditorServiceOptions } from './DefaultAuditorService';
export { auditorServiceFactory } from './auditorServiceFactory';
export { readSeverityLogLevelMappings } from './readSeverityLogLevelMappings';
export type { AuditLogLevel, SeverityLogLevelMappings } from './readSeverityLogLevelMappings';
