import type { Backend } from '@trellis/backend-app-api';

/**
 * The process policy of this app: start the backend (exit 1 with the reason if it cannot), and on
 * SIGTERM or SIGINT stop it gracefully, exiting 0 when the stop was clean and 1 otherwise. A
 * second signal exits at once.
 */
export function runUntilSignal(backend: Backend): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`Received ${signal} again; exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    backend.stop().then(
      () => process.exit(0),
      (error) => {
        printError('Shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  backend.start().catch((error) => {
    printError('Backend failed to start', error);
    process.exit(1);
  });
}

function printError(prefix: string, error: unknown): void {
  const development = process.env.NODE_ENV === 'development';
  const text = error instanceof Error ? (development ? (error.stack ?? error.message) : error.message) : String(error);
  process.stderr.write(`${prefix}: ${text}\n`);
}
