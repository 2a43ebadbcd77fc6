import { coreServices, createBackendPlugin, UrlReaderService } from '@trellis/backend-plugin-api';
import { NotFoundError, NotModifiedError } from '@trellis/errors';
import { mockServices } from './mockServices';
import { startTestBackend } from './startTestBackend';

const BASE = 'https://git.example.com/acme/service/blob/main';

describe('mockServices.urlReader', () => {
  it('serves files, trees and search to a plugin of a test backend', async () => {
    let reader: UrlReaderService | undefined;
    const plugin = createBackendPlugin({
      pluginId: 'reads',
      register(env) {
        env.registerInit({
          deps: { urlReader: coreServices.urlReader },
          init: async (deps) => void (reader = deps.urlReader),
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        plugin,
        mockServices.urlReader.factory({
          files: {
            [`${BASE}/catalog-info.yaml`]: 'kind: Component',
            [`${BASE}/docs/catalog-info.yaml`]: 'kind: API',
            [`${BASE}/docs/index.md`]: '# docs',
          },
        }),
      ],
    });
    try {
      const file = await reader!.readUrl(`${BASE}/catalog-info.yaml`);
      expect((await file.buffer()).toString()).toBe('kind: Component');
      await expect(reader!.readUrl(`${BASE}/catalog-info.yaml`, { etag: file.etag })).rejects.toThrow(NotModifiedError);
      await expect(reader!.readUrl(`${BASE}/missing.yaml`)).rejects.toThrow(NotFoundError);

      const tree = await reader!.readTree(`${BASE}/docs`);
      expect((await tree.files()).map((f) => f.path)).toEqual(['catalog-info.yaml', 'index.md']);

      const found = await reader!.search(`${BASE}/**/catalog-info.yaml`);
      expect(found.files.map((f) => f.url).sort()).toEqual([
        `${BASE}/catalog-info.yaml`,
        `${BASE}/docs/catalog-info.yaml`,
      ]);
      await expect(reader!.search(`${BASE}/**/catalog-info.yaml`, { etag: found.etag })).rejects.toThrow(
        NotModifiedError,
      );
    } finally {
      await backend.stop();
    }
  });

  it('gives a new ETag after setFile changes the content', async () => {
    const reader = mockServices.urlReader({ files: { [`${BASE}/a.yaml`]: 'one' } });
    const before = await reader.readUrl(`${BASE}/a.yaml`);
    reader.setFile(`${BASE}/a.yaml`, 'two');
    const after = await reader.readUrl(`${BASE}/a.yaml`, { etag: before.etag });
    expect((await after.buffer()).toString()).toBe('two');
    expect(after.etag).not.toBe(before.etag);
  });
});
