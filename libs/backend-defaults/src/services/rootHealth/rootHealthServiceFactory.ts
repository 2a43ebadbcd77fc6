import { coreServices, createServiceFactory, RootHealthService } from '@trellis/backend-plugin-api';
import { backendStateServiceRef, BackendStateService } from '@trellis/backend-app-api';

/**
 * Liveness is 200 while the process runs. Readiness is 200 once the backend started (plugins that
 * failed under policy `continue` are listed as failed) and 503 while starting or shutting down.
 *
 * @public
 */
export class DefaultRootHealthService implements RootHealthService {
  readonly #state: BackendStateService;

  private constructor(state: BackendStateService) {
    this.#state = state;
  }

  static create(options: { backendState: BackendStateService }): DefaultRootHealthService {
    return new DefaultRootHealthService(options.backendState);
  }

  async getLiveness() {
    return { status: 200, payload: { status: 'ok' } };
  }

  async getReadiness() {
    const state = this.#state.getState();
    const plugins = Object.fromEntries(this.#state.getPlugins().map((p) => [p.pluginId, p.state]));
    if (state === 'started') {
      return { status: 200, payload: { status: 'ok', backend: state, plugins } };
    }
    return {
      status: 503,
      payload: { status: 'not-ready', message: `Backend is ${state}`, backend: state, plugins },
    };
  }
}

/** Factory of the default root health service. @public */
export const rootHealthServiceFactory = createServiceFactory({
  service: coreServices.rootHealth,
  deps: { backendState: backendStateServiceRef },
  factory: ({ backendState }) => DefaultRootHealthService.create({ backendState }),
});
