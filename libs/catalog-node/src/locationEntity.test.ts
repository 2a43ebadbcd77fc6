import { createHash } from 'node:crypto';
import { locationSpecToLocationEntity, locationSpecToMetadataName } from './locationEntity';

describe('locationSpecToLocationEntity', () => {
  const location = { type: 'url', target: 'https://git.example/acme/cart/catalog-info.yaml' };
  const hash = createHash('sha1').update(`url:${location.target}`).digest('hex');

  it('names the location by the SHA-1 of its ref, so the same location always has the same entity', () => {
    expect(locationSpecToMetadataName(location)).toBe(`generated-${hash}`);
    expect(locationSpecToLocationEntity({ location })).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: {
        name: `generated-${hash}`,
        annotations: {
          'backstage.io/managed-by-location': `url:${location.target}`,
          'backstage.io/managed-by-origin-location': `url:${location.target}`,
        },
      },
      spec: { type: 'url', target: location.target },
    });
  });

  it('keeps an optional presence, and takes both annotations from a parent entity', () => {
    const parent = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: {
        name: 'root',
        annotations: {
          'backstage.io/managed-by-location': 'url:https://git.example/acme/all.yaml',
          'backstage.io/managed-by-origin-location': 'url:https://git.example/acme/root.yaml',
        },
      },
    };
    const entity = locationSpecToLocationEntity({
      location: { ...location, presence: 'optional' },
      parentEntity: parent,
    });
    expect(entity.spec.presence).toBe('optional');
    expect(entity.metadata.annotations).toEqual(parent.metadata.annotations);
  });

  it('refuses a parent without location annotations, naming it', () => {
    const parent = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'cart' } };
    expect(() => locationSpecToLocationEntity({ location, parentEntity: parent })).toThrow(
      /Parent entity 'component:default\/cart' .* has no backstage\.io\/managed-by-location annotation/,
    );
  });
});
