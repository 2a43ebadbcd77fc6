import { Writable } from 'node:stream';
import winston from 'winston';
import { WinstonLogger } from './WinstonLogger';

function capture(format: 'json' | 'pretty') {
  const output: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      output.push(chunk.toString());
      callback();
    },
  });
  const logger = WinstonLogger.create({
    format,
    level: 'debug',
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, output };
}

describe('WinstonLogger', () => {
  it('writes JSON lines with the fields of child loggers', () => {
    const { logger, output } = capture('json');
    logger.child({ plugin: 'example' }).child({ requestId: 'r1' }).info('hello', { extra: 1 });
    expect(JSON.parse(output[0])).toEqual({
      level: 'info',
      message: 'hello',
      plugin: 'example',
      requestId: 'r1',
      extra: 1,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('writes readable lines with key=value fields in development', () => {
    const { logger, output } = capture('pretty');
    logger.child({ plugin: 'example' }).info('Hello from example plugin');
    expect(output[0]).toMatch(/info.* Hello from example plugin plugin=example/);
  });

  it('redacts secret values wherever they appear, and credential fields whole', () => {
    const { logger, output } = capture('json');
    logger.addRedactions(['s3cr3t-password']);
    logger.warn('connecting with s3cr3t-password', {
      url: 'postgres://u:s3cr3t-password@db/x',
      headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sid=1' },
    });
    const line = output[0];
    expect(line).not.toContain('s3cr3t-password');
    expect(line).not.toContain('abc.def.ghi');
    expect(line).not.toContain('sid=1');
    expect(JSON.parse(line).headers).toEqual({ authorization: '[REDACTED]', cookie: '[REDACTED]' });
  });

  it('serialises errors given as meta, with stacks only when asked', () => {
    const { logger, output } = capture('json');
    logger.error('failed', new TypeError('bad thing'));
    expect(JSON.parse(output[0]).error).toEqual({ name: 'TypeError', message: 'bad thing' });
  });

  it('skips lines below the level without formatting them', () => {
    const output: string[] = [];
    const stream = new Writable({ write: (c, _e, cb) => (output.push(c.toString()), cb()) });
    const logger = WinstonLogger.create({ level: 'warn', transports: [new winston.transports.Stream({ stream })] });
    logger.info('quiet');
    logger.debug('quieter');
    logger.warn('loud');
    expect(output).toHaveLength(1);
  });
});
