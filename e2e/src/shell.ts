import { ChildProcess, spawn } from 'node:child_process';

/** Options of {@link sh} and {@link startService}. */
export interface ShellOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Deadline for the command (for a service: until it answers); the failure says which command. */
  timeoutMs?: number;
}

/** The outcome of a finished command. */
export interface ShellResult {
  code: number | null;
  output: string;
}

/**
 * Runs `command` as a user types it, through bash, in its own process group; resolves with its
 * exit code and interleaved output. Past the deadline the whole group is killed and the promise
 * rejects, naming the command and showing what it printed.
 */
export function sh(command: string, options: ShellOptions): Promise<ShellResult> {
  const child = spawnShell(command, options);
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`'${command}' did not finish within ${timeoutMs} ms:\n${tail(child.output)}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: child.output });
    });
  });
}

/** Runs `command` and fails with its output unless it exits 0. */
export async function shOk(command: string, options: ShellOptions): Promise<string> {
  const result = await sh(command, options);
  if (result.code !== 0) {
    throw new Error(`'${command}' exited with ${result.code}:\n${tail(result.output)}`);
  }
  return result.output;
}

/** A long-running command (a dev server) started in its own process group. */
export interface Service {
  output(): string;
  /**
   * Sends `signal` (default SIGINT, as Ctrl-C does) to the group, waits for the command to end
   * (SIGKILL after 20 s), and resolves with its exit code.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `command` and waits until `url` answers 200, failing early when the command exits and
 * loudly at the deadline, with the command's output.
 */
export async function startService(command: string, url: string, options: ShellOptions): Promise<Service> {
  const child = spawnShell(command, options);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service: Service = {
    output: () => child.output,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, signal);
      }
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      // Children that outlive the shell (a watcher's server) still belong to the group.
      killGroup(child, 'SIGKILL');
      return code;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`'${command}' exited with ${child.exitCode} before ${url} answered:\n${tail(child.output)}`);
    }
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    if (response?.status === 200) return service;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await service.stop();
  throw new Error(
    `'${command}': ${url} did not answer 200 within ${options.timeoutMs ?? 180_000} ms:\n${tail(child.output)}`,
  );
}

type ShellChild = ChildProcess & { output: string };

function spawnShell(command: string, options: ShellOptions): ShellChild {
  const child = spawn('bash', ['-c', command], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ShellChild;
  child.output = '';
  const collect = (chunk: Buffer) => (child.output += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is gone already.
  }
}

function tail(output: string): string {
  return output.length > 20_000 ? `...${output.slice(-20_000)}` : output;
}
