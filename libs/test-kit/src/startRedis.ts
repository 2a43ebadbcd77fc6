import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from './freePort';
import { waitFor } from './waitFor';

/** A throwaway redis-server of one test: nothing on disk, its own port. */
export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Kills the server at once (SIGKILL), as a crash would; resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty, as a restarted server without persistence). */
  restart(): Promise<void>;
  /** Stops it for good; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a redis-server on a free port and resolves once it accepts connections. Tests that kill
 * and restart Redis use their own server, never the shared one other tests and sessions use.
 */
export async function startRedis(options: { port?: number } = {}): Promise<TestRedis> {
  const port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;

  const start = async () => {
    const started = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    child = started;
    let exited = false;
    started.once('exit', () => (exited = true));
    await waitFor(
      async () => {
        if (exited) {
          throw new Error(`redis-server on port ${port} exited`);
        }
        return accepts(port);
      },
      { what: `redis-server to accept connections on port ${port}`, timeoutMs: 15_000, intervalMs: 25 },
    );
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    stop: kill,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
