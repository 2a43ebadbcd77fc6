import { LoggerService } from '@trellis/backend-plugin-api';
import net from 'node:net';

const logger: LoggerService = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => logger };

let loads = 0;
jest.mock('ioredis', () => {
  loads++;
  return jest.requireActual('ioredis');
});

// After the mock, so the store's import of ioredis is the counted one.
import { RedisCacheStore } from './RedisCacheStore';

describe('RedisCacheStore', () => {
  it('loads ioredis and connects at its first command, not when created', async () => {
    const connections: net.Socket[] = [];
    const server = net.createServer((socket) => {
      connections.push(socket);
      socket.on('data', () => socket.write('$-1\r\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const store = await RedisCacheStore.create({
      connection: `redis://127.0.0.1:${port}`,
      commandTimeoutMs: 5000,
      warnIntervalMs: 0,
      logger,
    });
    try {
      expect(loads).toBe(0);
      expect(connections).toHaveLength(0);
      // The stand-in answers every command with a null bulk string: a miss.
      expect(await store.get('k')).toBeUndefined();
      expect(loads).toBe(1);
      expect(connections).toHaveLength(1);
      await store.set('k', 'v', undefined);
      expect(connections).toHaveLength(1);
    } finally {
      await store.close();
      connections.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('never connects once closed', async () => {
    const store = await RedisCacheStore.create({
      connection: 'redis://127.0.0.1:1',
      commandTimeoutMs: 100,
      warnIntervalMs: 0,
      logger,
    });
    await store.close();
    expect(await store.get('k')).toBeUndefined();
  });
});
