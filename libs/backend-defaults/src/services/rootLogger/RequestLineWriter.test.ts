import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineWriter } from './LineWriter';
import { Redactor } from './redaction';
import { RequestLineWriter } from './RequestLineWriter';

const SECRET = 'configured-secret-value-42';

function writeTo(file: string, meta: Record<string, unknown>, lines: Parameters<RequestLineWriter['write']>[0][]) {
  const fd = fs.openSync(file, 'w');
  const writer = LineWriter.create({ fd });
  const redactor = new Redactor();
  redactor.add([SECRET]);
  const requestLines = RequestLineWriter.create({ writer, redactor, meta });
  lines.forEach((line) => requestLines.write(line));
  writer.close();
  fs.closeSync(fd);
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n');
}

describe('RequestLineWriter', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-request-lines-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes winston's JSON line: sorted keys, the logger's fields, no undefined fields", () => {
    const [line] = writeTo(path.join(dir, 'out'), { component: 'http', service: 'backend', absent: undefined }, [
      { level: 'info', method: 'GET', url: '/api/a?b=1', status: 200, durationMs: 1.5, requestId: undefined },
    ]);
    expect(Object.keys(JSON.parse(line))).toEqual([
      'component',
      'durationMs',
      'level',
      'message',
      'method',
      'service',
      'status',
      'timestamp',
      'url',
    ]);
    expect(JSON.parse(line)).toMatchObject({ message: 'GET /api/a?b=1 200', durationMs: 1.5, status: 200 });
  });

  it('redacts a configured secret in the URL, the message and a client request id', () => {
    const [line] = writeTo(path.join(dir, 'out'), { component: 'http' }, [
      {
        level: 'info',
        method: 'GET',
        url: `/api/a/${SECRET}`,
        status: 404,
        durationMs: 2,
        requestId: 'not-ours',
        clientRequestId: `x${SECRET}`,
      },
    ]);
    expect(line).not.toContain(SECRET);
    expect(JSON.parse(line)).toMatchObject({
      url: '/api/a/[REDACTED]',
      message: 'GET /api/a/[REDACTED] 404',
      clientRequestId: 'x[REDACTED]',
      requestId: 'not-ours',
    });
  });

  it('redacts a secret added after a URL was first logged', () => {
    const file = path.join(dir, 'out');
    const fd = fs.openSync(file, 'w');
    const writer = LineWriter.create({ fd });
    const redactor = new Redactor();
    const requestLines = RequestLineWriter.create({ writer, redactor, meta: {} });
    const line = { level: 'info', method: 'GET', url: '/api/a/late-secret-value', status: 200, durationMs: 1 } as const;
    requestLines.write(line);
    redactor.add(['late-secret-value']);
    requestLines.write(line);
    writer.close();
    fs.closeSync(fd);
    const [before, after] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(before).url).toBe('/api/a/late-secret-value');
    expect(JSON.parse(after).url).toBe('/api/a/[REDACTED]');
  });

  it('escapes quotes and control characters so every line stays one JSON value', () => {
    const lines = writeTo(path.join(dir, 'out'), {}, [
      { level: 'debug', method: 'GET', url: '/a"b\\c\n', status: 200, durationMs: 0 },
      { level: 'info', method: 'GET', url: '/next', status: 200, durationMs: 0 },
    ]);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toMatchObject({ url: '/a"b\\c\n', level: 'debug' });
  });
});

describe('LineWriter', () => {
  it('writes at once when the backlog reaches flushBytes, without waiting for the timer', () => {
    const file = path.join(os.tmpdir(), `trellis-line-writer-${process.pid}`);
    const fd = fs.openSync(file, 'w');
    try {
      const writer = LineWriter.create({ fd, flushIntervalMs: 60_000, flushBytes: 100 });
      writer.write('x'.repeat(50));
      expect(fs.readFileSync(file, 'utf8')).toBe('');
      writer.write('y'.repeat(50));
      expect(fs.readFileSync(file, 'utf8')).toBe(`${'x'.repeat(50)}\n${'y'.repeat(50)}\n`);
      expect(writer.backlogBytes).toBe(0);
      writer.close();
    } finally {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    }
  });
});
