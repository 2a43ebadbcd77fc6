import { createHash } from 'node:crypto';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION } from './annotations';
import { Entity, stringifyEntityRef } from './entity';
import { LocationEntity } from './kinds';
import { LocationSpec, stringifyLocationRef } from './locationRef';

/**
 * The name of the `Location` entity that stands for a location: `generated-` and the SHA-1 of its
 * ref, so the same location always gets the same name, as in Backstage.
 *
 * @public
 */
export function locationSpecToMetadataName(location: LocationSpec): string {
  return `generated-${createHash('sha1').update(`${location.type}:${location.target}`).digest('hex')}`;
}

/**
 * A `Location` entity that points at `location`, as a provider emits one to have the catalog read
 * a file or URL. Its own and origin location annotations are the location's ref, or, with a
 * `parentEntity`, those of the parent (which must have both).
 *
 * @public
 */
export function locationSpecToLocationEntity(opts: { location: LocationSpec; parentEntity?: Entity }): LocationEntity {
  const { location, parentEntity } = opts;
  let own = stringifyLocationRef(location);
  let origin = own;
  if (parentEntity) {
    const annotations = parentEntity.metadata.annotations ?? {};
    const parentRef = stringifyEntityRef(parentEntity);
    if (!annotations[ANNOTATION_LOCATION]) {
      throw new Error(`Parent entity '${parentRef}' of location '${own}' has no ${ANNOTATION_LOCATION} annotation`);
    }
    if (!annotations[ANNOTATION_ORIGIN_LOCATION]) {
      throw new Error(
        `Parent entity '${parentRef}' of location '${own}' has no ${ANNOTATION_ORIGIN_LOCATION} annotation`,
      );
    }
    own = annotations[ANNOTATION_LOCATION];
    origin = annotations[ANNOTATION_ORIGIN_LOCATION];
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: {
      name: locationSpecToMetadataName(location),
      annotations: { [ANNOTATION_LOCATION]: own, [ANNOTATION_ORIGIN_LOCATION]: origin },
    },
    spec: {
      type: location.type,
      target: location.target,
      ...(location.presence ? { presence: location.presence } : {}),
    },
  };
}
