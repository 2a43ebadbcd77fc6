import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@trellis/backend-test-utils';
import { InputError } from '@trellis/errors';
import { Entity, LocationSpec } from '@trellis/plugin-catalog-node';
import { OpenApiDefinitionProcessor } from './OpenApiDefinitionProcessor';

const ORDERS_YAML = `openapi: 3.0.3
info:
  title: Orders API
  version: 1.10
paths:
  /orders:
    get:
      responses:
        '200':
          description: The orders
`;

describe('OpenApiDefinitionProcessor', () => {
  let root: string;
  let apis: string;
  let location: LocationSpec;
  const processor = OpenApiDefinitionProcessor.create({ logger: mockServices.rootLogger(), maxBytes: 1024 * 1024 });
  const emit = jest.fn();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'trellis-openapi-'));
    apis = join(root, 'catalog', 'apis');
    await mkdir(join(apis, 'openapi'), { recursive: true });
    location = { type: 'file', target: join(apis, 'orders.yaml') };
    await writeFile(join(apis, 'openapi', 'orders.yaml'), ORDERS_YAML);
    await writeFile(
      join(apis, 'openapi', 'payments.json'),
      JSON.stringify({ openapi: '3.1.0', info: { title: 'Payments API', version: '2.0.0' }, paths: {} }, null, 2),
    );
    await writeFile(
      join(apis, 'openapi', 'legacy.yaml'),
      'swagger: "2.0"\ninfo:\n  title: Legacy API\n  version: "0.9"\npaths: {}\n',
    );
    await writeFile(
      join(apis, 'openapi', 'asyncapi.yaml'),
      'asyncapi: 2.6.0\ninfo:\n  title: Events\n  version: 1.0.0\n',
    );
    await writeFile(
      join(apis, 'openapi', 'openapi4.yaml'),
      'openapi: 4.0.0\ninfo:\n  title: Future\n  version: 1.0.0\n',
    );
    await writeFile(join(apis, 'openapi', 'untitled.yaml'), 'openapi: 3.0.0\ninfo:\n  version: 1.0.0\n');
    await writeFile(join(apis, 'openapi', 'broken.yaml'), 'openapi: 3.0.0\ninfo: [title: x\n  version: }\n');
    await writeFile(join(apis, 'openapi', 'big.yaml'), `openapi: 3.0.0\n# ${'x'.repeat(1024 * 1024)}\n`);
    await writeFile(join(apis, 'openapi', 'binary.yaml'), Buffer.from([0x6f, 0x70, 0xff, 0xfe, 0x00]));
    await writeFile(join(root, 'catalog', 'secret.yaml'), ORDERS_YAML);
    await symlink(join(root, 'catalog', 'secret.yaml'), join(apis, 'openapi', 'link.yaml'));
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  const api = (definition: unknown, extra: Partial<Entity['metadata']> = {}): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'orders', ...extra },
    spec: { type: 'openapi', lifecycle: 'production', owner: 'team-orders', definition: definition as string },
  });

  const failure = async (entity: Entity, at: LocationSpec = location): Promise<InputError> => {
    const error = await processor.preProcessEntity(entity, at, emit).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('api:default/orders');
    expect((error as Error).message).toContain(at.target);
    return error as InputError;
  };

  it('resolves an OpenAPI 3.x YAML file beside the entity', async () => {
    const entity = api({ $openapi: './openapi/orders.yaml' });
    const result = await processor.preProcessEntity(entity, location, emit);
    expect(result.spec?.definition).toBe(ORDERS_YAML);
    expect(result.metadata.title).toBe('Orders API');
    expect(result.metadata.annotations).toEqual({
      'trellis.dev/openapi-version': '3.0.3',
      'trellis.dev/api-version': '1.10',
    });
    expect(result.spec).toMatchObject({ type: 'openapi', lifecycle: 'production', owner: 'team-orders' });
    expect(entity.spec?.definition).toEqual({ $openapi: './openapi/orders.yaml' });
  });

  it('resolves a JSON file and keeps the title and annotations the entity has', async () => {
    const entity = api(
      { $openapi: 'openapi/payments.json' },
      { title: 'Payments', annotations: { 'example.com/x': 'y' } },
    );
    const result = await processor.preProcessEntity(entity, location, emit);
    expect(JSON.parse(result.spec?.definition as string).info.title).toBe('Payments API');
    expect(result.metadata.title).toBe('Payments');
    expect(result.metadata.annotations).toEqual({
      'example.com/x': 'y',
      'trellis.dev/openapi-version': '3.1.0',
      'trellis.dev/api-version': '2.0.0',
    });
  });

  it('resolves a Swagger 2.0 file', async () => {
    const result = await processor.preProcessEntity(api({ $openapi: './openapi/legacy.yaml' }), location, emit);
    expect(result.metadata.annotations?.['trellis.dev/openapi-version']).toBe('2.0');
    expect(result.metadata.annotations?.['trellis.dev/api-version']).toBe('0.9');
    expect(result.metadata.title).toBe('Legacy API');
  });

  it('refuses a missing file, naming it', async () => {
    const error = await failure(api({ $openapi: './openapi/missing.yaml' }));
    expect(error.message).toContain(`the file ${join(apis, 'openapi', 'missing.yaml')} does not exist`);
  });

  it.each([
    ['../../etc/passwd', 'leaves the folder'],
    ['openapi/../../secret.yaml', 'leaves the folder'],
    ['..', 'leaves the folder'],
    ['/etc/passwd', 'is an absolute path'],
    ['C:\\Windows\\win.ini', 'is an absolute path'],
    ['./openapi/link.yaml', 'is a symbolic link to'],
  ])('refuses %s, which escapes the folder of the entity file', async (target, reason) => {
    const error = await failure(api({ $openapi: target }));
    expect(error.message).toContain(reason);
  });

  it.each([
    ['openapi/asyncapi.yaml', "has neither an 'openapi: 3.x' nor a 'swagger: \"2.0\"' field"],
    ['openapi/openapi4.yaml', 'declares openapi: 4.0.0; only OpenAPI 3.x and Swagger 2.0 are supported'],
    ['openapi/untitled.yaml', 'has no info.title'],
    ['openapi', 'is not a regular file'],
    ['openapi/binary.yaml', 'is not UTF-8 text'],
  ])('refuses %s, which is not an OpenAPI document', async (target, reason) => {
    const error = await failure(api({ $openapi: target }));
    expect(error.message).toContain(reason);
  });

  it("refuses malformed YAML with the parser's position", async () => {
    const error = await failure(api({ $openapi: 'openapi/broken.yaml' }));
    expect(error.message).toMatch(/broken\.yaml is refused: it is not valid YAML or JSON: .* at line \d+, column \d+$/);
  });

  it('refuses a file over the size limit, saying the limit', async () => {
    const error = await failure(api({ $openapi: 'openapi/big.yaml' }));
    expect(error.message).toContain('over the limit of 1 MiB');
  });

  it('says the default limit is 5 MiB', async () => {
    const defaults = OpenApiDefinitionProcessor.create({ logger: mockServices.rootLogger(), maxBytes: undefined });
    await writeFile(join(apis, 'openapi', 'huge.yaml'), Buffer.alloc(5 * 1024 * 1024 + 1, 0x20));
    await expect(defaults.preProcessEntity(api({ $openapi: 'openapi/huge.yaml' }), location, emit)).rejects.toThrow(
      'over the limit of 5 MiB',
    );
  });

  it.each([
    [{ $openapi: '' }, 'must be a non-empty path'],
    [{ $openapi: 42 }, 'must be a non-empty path'],
    [{ $openapi: 'openapi/orders.yaml', $text: 'x' }, 'may hold only $openapi, but also has $text'],
  ])('refuses the placeholder %j', async (definition, reason) => {
    const error = await failure(api(definition));
    expect(error.message).toContain(reason);
  });

  it('refuses placeholders of entities not read from files', async () => {
    const error = await failure(api({ $openapi: 'openapi/orders.yaml' }), {
      type: 'url',
      target: 'https://example.com/catalog-info.yaml',
    });
    expect(error.message).toContain("not from a 'url' location");
  });

  it('leaves other kinds, string definitions and other objects untouched', async () => {
    const component: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'orders' },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'team-orders',
        definition: { $openapi: '../../etc/passwd' },
      },
    };
    const inline = api('openapi: 3.0.0\ninfo: {title: Inline, version: 1.0.0}\n');
    const other = api({ $text: './openapi/orders.yaml' });
    for (const entity of [component, inline, other]) {
      expect(await processor.preProcessEntity(entity, location, emit)).toBe(entity);
    }
    expect(emit).not.toHaveBeenCalled();
  });
});
