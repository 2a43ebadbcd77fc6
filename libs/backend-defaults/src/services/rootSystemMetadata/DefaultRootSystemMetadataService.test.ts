import { ConfigReader } from '../rootConfig';
import { DefaultRootSystemMetadataService } from './DefaultRootSystemMetadataService';

const instanceMetadata = {
  getId: () => 'instance-1',
  getInstalledPlugins: async () => [
    { pluginId: 'todo', modules: [] },
    { pluginId: 'catalog', modules: [{ moduleId: 'openapi' }] },
  ],
};

function systemMetadata(data: object) {
  return DefaultRootSystemMetadataService.fromConfig(ConfigReader.fromData(data as never), { instanceMetadata });
}

describe('DefaultRootSystemMetadataService', () => {
  it('lists the plugins of this backend when no other backend is configured', async () => {
    expect(await systemMetadata({}).getInstalledPlugins()).toEqual([{ pluginId: 'catalog' }, { pluginId: 'todo' }]);
  });

  it('adds the plugins that discovery.endpoints places on other backends, each once', async () => {
    const service = systemMetadata({
      discovery: {
        endpoints: [
          { target: 'http://search:7007/api/{{pluginId}}', plugins: ['search', 'catalog'] },
          {
            target: { internal: 'http://audit:7007/api/audit', external: 'https://a.example.com' },
            plugins: ['audit'],
          },
        ],
      },
    });
    expect(await service.getInstalledPlugins()).toEqual([
      { pluginId: 'audit' },
      { pluginId: 'catalog' },
      { pluginId: 'search' },
      { pluginId: 'todo' },
    ]);
  });
});
