import net from 'node:net';
import { freePort, requireCommand, startRedis, waitFor } from './index';

describe('waitFor', () => {
  it('returns the first value that is not undefined, null or false', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : calls === 1 ? false : undefined), {
      what: 'the third call',
      intervalMs: 1,
    });
    expect(value).toEqual({ calls: 3 });
  });

  it('fails with what it waited for and the last error seen', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { what: 'the server to answer', timeoutMs: 50, intervalMs: 5 },
      ),
    ).rejects.toThrow(
      /Timed out after 50 ms waiting for the server to answer \(last check threw: connection refused\)/,
    );
  });
});

it('freePort gives a port a server can listen on', async () => {
  const port = await freePort();
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  await new Promise((resolve) => server.close(resolve));
});

describe('requireCommand', () => {
  const ci = process.env.CI;
  afterEach(() => {
    process.env.CI = ci;
  });

  it('skips with a message outside CI and fails under CI=true when the command is missing', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    process.env.CI = 'false';
    expect(requireCommand('trellis-no-such-command', 'the example suite')).toBe(false);
    expect(warn).toHaveBeenCalledWith('Skipping the example suite: the command trellis-no-such-command is not there');
    warn.mockRestore();
    process.env.CI = 'true';
    expect(() => requireCommand('trellis-no-such-command', 'the example suite')).toThrow(
      'the command trellis-no-such-command is required when CI=true (for the example suite), but it is not there',
    );
  });
});

(requireCommand('redis-server', 'the throwaway Redis test') ? it : it.skip)(
  'startRedis serves, dies on kill and comes back empty on restart',
  async () => {
    const redis = await startRedis();
    try {
      expect(await ping(redis.port)).toBe('+PONG');
      await redis.kill();
      await expect(ping(redis.port)).rejects.toThrow();
      await redis.restart();
      expect(await ping(redis.port)).toBe('+PONG');
    } finally {
      await redis.stop();
    }
  },
);

function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
    socket.once('error', reject);
  });
}
