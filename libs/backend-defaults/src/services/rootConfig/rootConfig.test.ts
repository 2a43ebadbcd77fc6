import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyConfigSchemas } from './configSchemas';
import { ConfigReader } from './ConfigReader';
import { loadConfigFiles } from './loadConfigFiles';
import { collectSecretValues } from './secrets';
import { createRootConfigServiceFactory } from './rootConfigServiceFactory';
import type { InternalServiceFactory } from '@trellis/backend-plugin-api/internal';

function dir(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-config-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  return root;
}

function load(root: string, options: { argv?: string[]; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const loaded = loadConfigFiles({ cwd: options.cwd ?? root, argv: options.argv ?? [], env: options.env ?? {} });
  return ConfigReader.fromLayers(loaded.layers);
}

describe('loadConfigFiles', () => {
  it('merges app-config, the NODE_ENV file, the local file and --config files in that order', () => {
    const root = dir({
      'app-config.yaml': 'a: base\nb: base\nc: base\nd: base\nlist: [1, 2]\nobj: { x: 1, y: 1 }\n',
      'app-config.production.yaml': 'b: env\nc: env\nd: env\n',
      'app-config.local.yaml': 'c: local\nd: local\nobj: { y: 2 }\n',
      'extra/one.yaml': 'd: one\nlist: [3]\n',
    });
    const config = load(root, { argv: ['--config', 'extra/one.yaml'], env: { NODE_ENV: 'production' } });
    expect(config.get()).toEqual({ a: 'base', b: 'env', c: 'local', d: 'one', list: [3], obj: { x: 1, y: 2 } });
  });

  it('finds the config root from a subdirectory', () => {
    const root = dir({ 'app-config.yaml': 'found: yes\n', 'apps/backend/.keep': '' });
    expect(load(root, { cwd: path.join(root, 'apps/backend') }).getString('found')).toBe('yes');
  });

  it('substitutes ${VAR}, keeps $${VAR} literal and treats unset variables as missing', () => {
    const root = dir({ 'app-config.yaml': 'url: postgres://${HOST}:5432/db\nliteral: $${HOME}\nmissing: ${NOPE}\n' });
    const config = load(root, { env: { HOST: 'db.internal' } });
    expect(config.getString('url')).toBe('postgres://db.internal:5432/db');
    expect(config.getString('literal')).toBe('${HOME}');
    expect(config.has('missing')).toBe(false);
  });

  it('applies APP_CONFIG_ overrides, parsing JSON values', () => {
    const root = dir({ 'app-config.yaml': 'backend:\n  listen:\n    port: 7007\n' });
    const config = load(root, {
      env: { APP_CONFIG_backend_listen_port: '8080', APP_CONFIG_app_title: 'Hello', APP_CONFIG_app_flags: '["a"]' },
    });
    expect(config.getNumber('backend.listen.port')).toBe(8080);
    expect(config.getString('app.title')).toBe('Hello');
    expect(config.getStringArray('app.flags')).toEqual(['a']);
  });

  it('names the file, line and column of malformed YAML', () => {
    const root = dir({ 'app-config.yaml': 'backend:\n  listen: [unclosed\n  port: 1\n' });
    expect(() => load(root)).toThrow(/app-config\.yaml' at line \d+, column \d+/);
  });

  it('refuses a --config file that does not exist and a file that is not a mapping', () => {
    const root = dir({ 'app-config.yaml': '- a\n- b\n' });
    expect(() => load(root)).toThrow(/must hold a mapping/);
    const ok = dir({ 'app-config.yaml': 'a: 1\n' });
    expect(() => load(ok, { argv: ['--config=nope.yaml'] })).toThrow(/nope\.yaml' given with --config does not exist/);
  });
});

describe('ConfigReader', () => {
  const root = dir({
    'app-config.yaml':
      'backend:\n  listen:\n    port: "not-a-number"\n  flag: "true"\n  items:\n    - name: a\n    - name: b\n',
  });
  const config = load(root);

  it('names the key and the file in type errors', () => {
    expect(() => config.getNumber('backend.listen.port')).toThrow(
      `Invalid type in config for key 'backend.listen.port' in '${path.join(root, 'app-config.yaml')}', got string, wanted number`,
    );
    expect(() => config.getConfig('backend').getString('listen')).toThrow(/key 'backend\.listen'/);
  });

  it('names the full key of missing values, also through sub-configs', () => {
    expect(() => config.getString('example.message')).toThrow("Missing required config value at 'example.message'");
    expect(() => config.getConfig('backend').getString('nope')).toThrow(
      "Missing required config value at 'backend.nope'",
    );
  });

  it('reads booleans from strings, arrays of configs, keys and optional values', () => {
    expect(config.getBoolean('backend.flag')).toBe(true);
    expect(config.getConfigArray('backend.items').map((c) => c.getString('name'))).toEqual(['a', 'b']);
    expect(config.getConfig('backend').keys()).toEqual(['listen', 'flag', 'items']);
    expect(config.getOptionalString('backend.absent')).toBeUndefined();
  });

  it('gives a fresh copy of an object on every read, however often its values are read', () => {
    const reader = ConfigReader.fromData({ backend: { listen: { port: 7007 } } });
    expect(reader.getNumber('backend.listen.port')).toBe(7007);
    const listen = reader.get<{ port: number }>('backend.listen');
    listen.port = 1;
    expect(reader.get<{ port: number }>('backend.listen').port).toBe(7007);
    expect(reader.getNumber('backend.listen.port')).toBe(7007);
    for (let i = 0; i < 1000; i++) {
      expect(reader.getOptionalString(`integrations.host${i}`)).toBeUndefined();
    }
    expect(reader.getNumber('backend.listen.port')).toBe(7007);
  });
});

describe('plugin config schemas', () => {
  const schema = {
    type: 'object',
    properties: {
      message: { type: 'string', minLength: 1, default: 'hi' },
      apiToken: { type: 'string', visibility: 'secret' },
    },
    additionalProperties: false,
  };

  it('applies defaults below every file', () => {
    const layers = applyConfigSchemas([{ data: { other: 1 }, context: 'f.yaml' }], [{ pluginId: 'example', schema }]);
    expect(ConfigReader.fromLayers(layers).getString('example.message')).toBe('hi');
    const overridden = applyConfigSchemas(
      [{ data: { example: { message: 'yo' } }, context: 'f.yaml' }],
      [{ pluginId: 'example', schema }],
    );
    expect(ConfigReader.fromLayers(overridden).getString('example.message')).toBe('yo');
  });

  it('reports every violation at once, naming plugin, key and file', () => {
    const layers = [
      { data: { example: { message: '' } }, context: '/etc/app-config.yaml' },
      { data: { example: { extra: true } }, context: '/etc/local.yaml' },
      { data: { other: { message: 5 } }, context: '/etc/app-config.yaml' },
    ];
    const otherSchema = { type: 'object', properties: { message: { type: 'string' } } };
    let error: Error | undefined;
    try {
      applyConfigSchemas(layers, [
        { pluginId: 'example', schema },
        { pluginId: 'other', schema: otherSchema },
      ]);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(
      /Plugin 'example': config key 'example\.message' must NOT have fewer than 1 characters \(in '\/etc\/app-config\.yaml'\)/,
    );
    expect(error?.message).toMatch(
      /Plugin 'example': config key 'example\.extra' is not a known setting \(in '\/etc\/local\.yaml'\)/,
    );
    expect(error?.message).toMatch(/Plugin 'other': config key 'other\.message' must be string/);
    expect((error as { code?: string }).code).toBe('TRELLIS_ERR_CONFIG_SCHEMA');
  });

  describe('of modules', () => {
    const pluginSchema = {
      type: 'object',
      properties: {
        locations: { type: 'array', default: [] },
        providers: { type: 'object', additionalProperties: { type: 'object' } },
      },
      additionalProperties: false,
    };
    const moduleSchema = {
      type: 'object',
      properties: {
        providers: {
          type: 'object',
          properties: {
            acme: {
              type: 'object',
              required: ['baseUrl'],
              properties: {
                baseUrl: { type: 'string' },
                signingKeyId: { type: 'string', visibility: 'secret' },
                pageSize: { type: 'number', default: 50 },
              },
              additionalProperties: false,
            },
          },
        },
      },
    };
    const schemas = [
      { pluginId: 'catalog', schema: pluginSchema, modules: [{ moduleId: 'acme', schema: moduleSchema }] },
    ];

    it("validates the module's subtree and applies its defaults beside the plugin's", () => {
      const layers = applyConfigSchemas(
        [{ data: { catalog: { providers: { acme: { baseUrl: 'https://acme.test' } } } }, context: 'f.yaml' }],
        schemas,
      );
      const config = ConfigReader.fromLayers(layers);
      expect(config.getNumber('catalog.providers.acme.pageSize')).toBe(50);
      expect(config.getConfigArray('catalog.locations')).toEqual([]);
    });

    it('names the module, the key and the file of each violation', () => {
      const apply = () =>
        applyConfigSchemas(
          [
            {
              data: { catalog: { providers: { acme: { baseUrl: 7, colour: 'red' } } } },
              context: '/etc/app-config.yaml',
            },
          ],
          schemas,
        );
      expect(apply).toThrow(
        /Module 'acme' for plugin 'catalog': config key 'catalog\.providers\.acme\.baseUrl' must be string \(in '\/etc\/app-config\.yaml'\)/,
      );
      expect(apply).toThrow(
        /Module 'acme' for plugin 'catalog': config key 'catalog\.providers\.acme\.colour' is not a known setting \(in '\/etc\/app-config\.yaml'\)/,
      );
    });

    it("redacts values the module's schema marks secret", () => {
      const config = ConfigReader.fromData({
        catalog: { providers: { acme: { baseUrl: 'x', signingKeyId: 'acme-tok-42' } } },
      });
      expect(collectSecretValues(config, schemas)).toContain('acme-tok-42');
    });
  });

  it('collects secrets from schema marks, secret-named keys and connection URLs', () => {
    const config = ConfigReader.fromData({
      example: { apiToken: 'tok-123456' },
      backend: {
        database: { connection: { password: 'pg-pass-1' } },
        cache: { connection: 'redis://user:redis-pass-2@redis:6379' },
        listen: { port: 7007 },
      },
    });
    const secrets = collectSecretValues(config, [{ pluginId: 'example', schema }]);
    expect(secrets.sort()).toEqual(['pg-pass-1', 'redis-pass-2', 'tok-123456']);
  });
});

describe('reloading', () => {
  it('tells subscribers after a valid edit and keeps the old config after an invalid one', async () => {
    const root = dir({ 'app-config.yaml': 'example:\n  message: one\n' });
    const factory = createRootConfigServiceFactory({
      cwd: root,
      argv: [],
      env: {},
    }) as unknown as InternalServiceFactory;
    const state = { getPlugins: () => [] };
    const config = (await factory.factory({ backendState: state }, undefined)) as ConfigReader;
    // Read before the edit, so that a remembered value would show if reloading did not forget it.
    expect(config.getString('example.message')).toBe('one');
    const changed = () =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no change seen within 20 s')), 20_000);
        const sub = config.subscribe!(() => {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve();
        });
      });
    const first = changed();
    fs.writeFileSync(path.join(root, 'app-config.yaml'), 'example:\n  message: two\n');
    await first;
    expect(config.getString('example.message')).toBe('two');

    // An invalid edit, then a valid one: subscribers hear of the valid one only, and until it
    // the old config stays (waiting for the next event instead of a fixed time).
    const calls: string[] = [];
    const sub = config.subscribe!(() => calls.push(config.getString('example.message')));
    fs.writeFileSync(path.join(root, 'app-config.yaml'), 'example: [broken\n');
    expect(config.getString('example.message')).toBe('two');
    const third = changed();
    fs.writeFileSync(path.join(root, 'app-config.yaml'), 'example:\n  message: three\n');
    await third;
    expect(calls).toEqual(['three']);
    sub.unsubscribe();
  });
});
