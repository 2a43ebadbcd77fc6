import {
  BackendFeature,
  coreServices,
  createBackendPlugin,
  JsonObject,
  UrlReaderService,
} from '@trellis/backend-plugin-api';
import { LogLine, startBackend } from '../../../testing/startBackend';

/** A started backend and the URL reader its test plugin received. */
export interface ReaderBackend {
  reader: UrlReaderService;
  stop(): Promise<void>;
}

/** Starts a real backend whose plugin `reader-test` depends on `coreServices.urlReader`. */
export async function startReaderBackend(options: {
  config: JsonObject;
  features?: BackendFeature[];
  logLines?: LogLine[];
}): Promise<ReaderBackend> {
  let reader: UrlReaderService | undefined;
  const plugin = createBackendPlugin({
    pluginId: 'reader-test',
    register(env) {
      env.registerInit({
        deps: { urlReader: coreServices.urlReader },
        async init({ urlReader }) {
          reader = urlReader;
        },
      });
    },
  });
  const backend = await startBackend({
    features: [plugin, ...(options.features ?? [])],
    config: options.config,
    logLines: options.logLines,
  });
  return { reader: reader!, stop: backend.stop };
}
