import { parseEntityYaml } from './parseEntityYaml';

const location = { type: 'url', target: 'https://git.example/acme/catalog-info.yaml' };

describe('parseEntityYaml', () => {
  it('yields an entity per object document, skips empty ones and refuses other values', () => {
    const yaml = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: cart }
---
---
- not an entity
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: payments }
`;
    const results = [...parseEntityYaml(Buffer.from(yaml), location)];
    expect(results.map((r) => r.type)).toEqual(['entity', 'error', 'entity']);
    expect(results[0]).toEqual({
      type: 'entity',
      location,
      entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'cart' } },
      locationKey: undefined,
    });
    expect(results[1]).toMatchObject({
      error: { name: 'InputError', message: expect.stringContaining('got an array') },
    });
  });

  it('yields one error for broken YAML, naming the location', () => {
    const results = [...parseEntityYaml(Buffer.from('kind: [Component\nmetadata: {'), location)];
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      type: 'error',
      error: { message: expect.stringContaining(`YAML error at url:${location.target}`) },
    });
  });

  it('refuses a document whose aliases expand beyond the limit', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]'];
    bomb.push('c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]');
    const results = [...parseEntityYaml(Buffer.from(bomb.join('\n')), location)];
    expect(results.map((r) => r.type)).toEqual(['error']);
  });
});
