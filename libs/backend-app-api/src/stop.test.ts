import { coreServices } from '@trellis/backend-plugin-api';
import { backendStateServiceRef, BackendStateService } from './BackendState';
import { backendWith, deferred, plugin } from './testing';

describe('stop', () => {
  it('is a no-op before start and waits for a start in progress', async () => {
    await backendWith().stop();
    const gate = deferred();
    const backend = backendWith();
    let state: BackendStateService | undefined;
    backend.add(
      plugin(
        'slow',
        async ({ s }) => {
          state = s;
          await gate.promise;
        },
        { s: backendStateServiceRef },
      ),
    );
    const started = backend.start();
    for (const deadline = Date.now() + 10_000; !state;) {
      if (Date.now() > deadline) throw new Error('the slow plugin never started its init');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(state.getState()).toBe('starting');
    const stopped = backend.stop();
    gate.resolve();
    await started;
    await stopped;
    expect(state!.getState()).toBe('stopped');
    expect(state!.getPlugin('slow')?.state).toBe('stopped');
  });

  it('rejects with a shutdown timeout when hooks outlast backend.lifecycle.shutdownTimeoutMs', async () => {
    const backend = backendWith({ config: { backend: { lifecycle: { shutdownTimeoutMs: 100 } } } });
    backend.add(
      plugin(
        'p',
        async ({ lifecycle }) =>
          lifecycle.addShutdownHook(() => new Promise((r) => setTimeout(r, 1000)), { timeoutMs: 5000 }),
        { lifecycle: coreServices.lifecycle },
      ),
    );
    await backend.start();
    await expect(backend.stop()).rejects.toThrow(/TRELLIS_ERR_SHUTDOWN_TIMEOUT/);
  });
});
