import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigReader } from '../rootConfig';
import { startBackend } from '../../testing/startBackend';
import { readUrlReaderConfig, urlReaderDefaults } from './readUrlReaderConfig';

function readerFromFile(yaml: string): ConfigReader {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'url-reader-config-')), 'app-config.yaml');
  fs.writeFileSync(file, yaml);
  return ConfigReader.fromLayers([{ data: YAML.parse(yaml), context: file }]);
}

describe('readUrlReaderConfig', () => {
  it('applies the limits and the public github.com and gitlab.com defaults', () => {
    const settings = readUrlReaderConfig(ConfigReader.fromData({}));
    expect(settings.maxResponseBytes).toBe(urlReaderDefaults.maxResponseBytes);
    expect(settings.timeoutMs).toBe(urlReaderDefaults.timeoutMs);
    expect(settings.github).toEqual([
      { host: 'github.com', apiBaseUrl: 'https://api.github.com', rawBaseUrl: 'https://raw.githubusercontent.com' },
    ]);
    expect(settings.gitlab).toEqual([{ host: 'gitlab.com', apiBaseUrl: 'https://gitlab.com/api/v4' }]);
    expect(settings.bitbucketServer).toEqual([]);
  });

  it('names every invalid key and the file it came from, without the token value', () => {
    const config = readerFromFile(
      [
        'backend:',
        '  reading:',
        '    allow:',
        '      - host: "bad host/"',
        '      - paths: [docs]',
        '    maxResponseBytes: -1',
        'integrations:',
        '  github:',
        '    - host: ghe.example.com',
        '      token: s3cr3t-token-value',
        '  gitlab:',
        '    - host: gitlab.example.com',
        '      apiBaseUrl: https://gitlab.example.com/api/v4',
        '      tokn: typo',
        '  bitbucket: []',
      ].join('\n'),
    );
    const error = (() => {
      try {
        readUrlReaderConfig(config);
      } catch (e) {
        return e as TrellisError;
      }
      throw new Error('expected a config error');
    })();
    expect(error.code).toBe('TRELLIS_ERR_URL_READER_CONFIG');
    const file = config.contextOf('integrations')!;
    expect(error.message).toContain(`'backend.reading.allow.0.host' must match pattern`);
    expect(error.message).toContain(`'backend.reading.allow.1.host' is required (in '${file}')`);
    expect(error.message).toContain(`'backend.reading.allow.1.paths.0' must match pattern "^/"`);
    expect(error.message).toContain(`'backend.reading.maxResponseBytes' must be >= 1`);
    expect(error.message).toContain(`'integrations.gitlab.0.tokn' is not a known setting (in '${file}')`);
    expect(error.message).toContain(`'integrations.bitbucket' is not a known setting`);
    expect(error.message).toContain(`'integrations.github.0.apiBaseUrl' is required for host 'ghe.example.com'`);
    expect(error.message).not.toContain('s3cr3t-token-value');
  });

  it('fails the start of a plugin that uses the URL reader when the config is invalid', async () => {
    const plugin = createBackendPlugin({
      pluginId: 'reads-urls',
      register(env) {
        env.registerInit({ deps: { urlReader: coreServices.urlReader }, async init() {} });
      },
    });
    const error = await startBackend({
      features: [plugin],
      config: { integrations: { bitbucketServer: [{ host: 'bitbucket.example.com' }] } },
    }).catch((e: Error) => e);
    expect(String(error)).toMatch(/reads-urls/);
    expect(String((error as Error).cause ?? error)).toMatch(
      /'integrations\.bitbucketServer\.0\.apiBaseUrl' is required.*TRELLIS_ERR_URL_READER_CONFIG/s,
    );
  });
});
