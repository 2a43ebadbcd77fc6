import { ConfigReader } from '../rootConfig';
import { HostDiscovery } from './HostDiscovery';

const installed = {
  getId: () => 'test-instance',
  getInstalledPlugins: async () => [{ pluginId: 'todo', modules: [] }],
};

function discovery(data: object) {
  return HostDiscovery.fromConfig(ConfigReader.fromData(data as never), {
    listenUrl: () => 'http://127.0.0.1:7007',
    instanceMetadata: installed,
  });
}

describe('HostDiscovery', () => {
  it('finds plugins of this backend where it listens, and externally at backend.baseUrl', async () => {
    const d = discovery({ backend: { baseUrl: 'https://trellis.example.com/' } });
    expect(await d.getBaseUrl('todo')).toBe('http://127.0.0.1:7007/api/todo');
    expect(await d.getExternalBaseUrl('todo')).toBe('https://trellis.example.com/api/todo');
  });

  it('routes named plugins to other backends, with {{pluginId}} placeholders and separate external URLs', async () => {
    const d = discovery({
      discovery: {
        endpoints: [
          { target: 'http://catalog-backend:7007/api/{{pluginId}}', plugins: ['catalog', 'search'] },
          {
            target: { internal: 'http://audit:7007/api/audit', external: 'https://audit.example.com/api/audit' },
            plugins: ['audit'],
          },
        ],
      },
    });
    expect(await d.getBaseUrl('catalog')).toBe('http://catalog-backend:7007/api/catalog');
    expect(await d.getBaseUrl('search')).toBe('http://catalog-backend:7007/api/search');
    expect(await d.getBaseUrl('audit')).toBe('http://audit:7007/api/audit');
    expect(await d.getExternalBaseUrl('audit')).toBe('https://audit.example.com/api/audit');
  });

  it('names a plugin that no backend hosts', async () => {
    await expect(discovery({}).getBaseUrl('billing')).rejects.toThrow(
      "Plugin 'billing' is not installed in this backend and no discovery.endpoints entry names it",
    );
  });
});
