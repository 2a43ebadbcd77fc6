import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  isApiEntity,
  isResourceEntity,
  ResourceEntity,
} from '.';

describe('entity kinds', () => {
  it('narrows entities by kind without regard to case', () => {
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'resource',
      metadata: { name: 'orders-db', annotations: { [ANNOTATION_LOCATION]: 'url:https://x/catalog-info.yaml' } },
      spec: { type: 'database', owner: 'payments' },
    };
    expect(isResourceEntity(entity)).toBe(true);
    expect(isApiEntity(entity)).toBe(false);
    const resource = entity as ResourceEntity;
    expect(resource.spec.owner).toBe('payments');
  });

  it("uses Backstage's annotation names", () => {
    expect([ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION]).toEqual([
      'backstage.io/managed-by-location',
      'backstage.io/managed-by-origin-location',
    ]);
  });
});
