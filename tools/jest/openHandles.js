/**
 * A Jest reporter that turns "Jest did not exit" into a failure with a reason.
 *
 * Without `forceExit`, a socket, server or timer that a test leaves open keeps Jest's process
 * alive after the last test, and CI would hang until its own limit. Once the run is complete this
 * reporter starts a timer that does not itself keep the process alive: a process that exits
 * cleanly never sees it fire; one that is still running when it fires lists what keeps it alive
 * and exits with code 1. Handles left in a worker process are Jest's own warning ("A worker
 * process has failed to exit gracefully"), which the same timer does not see; on the 2-core
 * machines this repository tests on, Jest runs the tests in its main process.
 *
 * `TRELLIS_JEST_TRACE_HANDLES=1` records where every timer, socket and server was created, and
 * the failure then shows the stack of each one still open (Jest's `--detectOpenHandles` misses
 * those created after the last test, by a background loop or a shutdown hook).
 */
const asyncHooks = require('node:async_hooks');

const GRACE_MS = Number(process.env.TRELLIS_JEST_EXIT_GRACE_MS ?? 10_000);
const TRACED_TYPES = new Set(['Timeout', 'Immediate', 'TCPWRAP', 'TCPSERVERWRAP', 'PIPEWRAP', 'PROCESSWRAP']);

class OpenHandlesReporter {
  #created = new Map();

  constructor() {
    if (process.env.TRELLIS_JEST_TRACE_HANDLES === '1') {
      const created = this.#created;
      asyncHooks
        .createHook({
          init(id, type, _trigger, resource) {
            if (TRACED_TYPES.has(type)) {
              const stack = new Error().stack.split('\n').slice(2, 14).join('\n');
              created.set(id, { type, resource: new WeakRef(resource), stack });
            }
          },
          destroy(id) {
            created.delete(id);
          },
        })
        .enable();
    }
  }

  onRunComplete() {
    if (!(GRACE_MS > 0)) {
      return;
    }
    setTimeout(() => {
      const resources = process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap');
      process.stderr.write(
        `\nJest did not exit ${GRACE_MS / 1000} s after the run completed: a test left open ` +
          `${resources.length > 0 ? resources.join(', ') : 'handles'}. ` +
          'Close every server, socket, database pool and timer a test starts ' +
          '(TRELLIS_JEST_TRACE_HANDLES=1 shows where each was created).\n',
      );
      for (const { type, resource, stack } of this.#created.values()) {
        const handle = resource.deref();
        if (handle && (typeof handle.hasRef !== 'function' || handle.hasRef())) {
          process.stderr.write(`${type}\n${stack}\n`);
        }
      }
      process.exit(1);
    }, GRACE_MS).unref();
  }
}

module.exports = OpenHandlesReporter;
