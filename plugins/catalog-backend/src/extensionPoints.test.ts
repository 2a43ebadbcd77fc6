import { createBackendModule } from '@trellis/backend-plugin-api';
import { mockCredentials, startTestBackend, TestBackend } from '@trellis/backend-test-utils';
import {
  catalogAnalysisExtensionPoint,
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
  processingResult,
} from '@trellis/plugin-catalog-node';
import catalogPlugin from '.';

/** A module as Backstage's SCM modules are written: it allows a location type of its own and adds an analyzer. */
const acmeModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'acme-locations',
  register(env) {
    env.registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        analysis: catalogAnalysisExtensionPoint,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ locations, analysis, processing }) {
        locations.setAllowedLocationTypes(['url', 'acme', 'file']);
        analysis.addScmLocationAnalyzer({
          supports: (url) => url.startsWith('https://acme.example/'),
          analyze: async () => ({ existing: [] }),
        });
        processing.addProcessor({
          getProcessorName: () => 'acme-reader',
          async readLocation(location, _optional, emit) {
            if (location.type !== 'acme') {
              return false;
            }
            emit(
              processingResult.entity(location, {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Resource',
                metadata: { name: location.target },
                spec: { type: 'acme-thing', owner: 'platform' },
              }),
            );
            return true;
          },
        });
      },
    });
  },
});

describe('the catalog extension points for locations and analysis', () => {
  let backend: TestBackend;
  const post = async (body: object) => {
    const response = await fetch(`${backend.baseUrl}/api/catalog/locations`, {
      method: 'POST',
      headers: { authorization: mockCredentials.user.header(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    backend = await startTestBackend({ features: [catalogPlugin, acmeModule] });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('registers a location of a type a module allowed, read by its processor', async () => {
    const added = await post({ type: 'acme', target: 'widget' });
    expect(added.status).toBe(201);
    expect(added.body.location).toMatchObject({ type: 'acme', target: 'widget' });
    expect(added.body.entities.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['widget']);
  });

  it('still refuses file locations, and types no module allowed', async () => {
    const file = await post({ type: 'file', target: '/etc/hostname' });
    expect(file.status).toBe(400);
    expect(file.body.error.message).toMatch(/Invalid location type 'file': only url, acme locations can be registered/);
    expect((await post({ type: 'other', target: 'x' })).status).toBe(400);
  });
});
