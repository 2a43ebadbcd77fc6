import { InputError, ServiceUnavailableError } from '@trellis/errors';
import { CatalogClient } from '@trellis/plugin-catalog-node';
import { EntityRefValidator } from './router';

/**
 * Checks entity refs against the catalog, over HTTP with a token minted for the catalog on
 * behalf of the caller. A ref the catalog does not have is the caller's mistake (400); a catalog
 * that cannot answer makes the todo unsavable for now (503), never a todo with an unchecked ref.
 */
export function catalogEntityRefValidator(catalog: CatalogClient): EntityRefValidator {
  return async (entityRef, credentials) => {
    let found: boolean;
    try {
      found = (await catalog.getEntityByRef(entityRef, { credentials })) !== undefined;
    } catch (error) {
      if (error instanceof InputError) {
        throw new InputError(`Invalid body: 'entityRef' ${entityRef} was refused by the catalog`, error);
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new ServiceUnavailableError(`Could not check entityRef '${entityRef}' with the catalog: ${reason}`);
    }
    if (!found) {
      throw new InputError(`Invalid body: 'entityRef' ${entityRef} is not an entity of the catalog`);
    }
  };
}
