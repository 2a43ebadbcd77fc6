import { parseAllDocuments } from 'yaml';
import { CatalogProcessorResult } from './catalogProcessingExtensionPoint';
import { Entity } from './entity';
import { LocationSpec, stringifyLocationRef } from './locationRef';
import { processingResult } from './processingResult';

/** Options of {@link parseEntityYaml}; none yet, as in Backstage. @public */
export type ParseEntityYamlOptions = {};

/**
 * The entities of a YAML catalog file, one result per document, for a processor's `readLocation`
 * or parser: an entity for each object, an input error for a document that is not an object, and
 * one error for a file with broken YAML syntax (nothing else of it is used). Empty documents are
 * skipped; aliases are expanded at most 100 times, so a small file cannot blow up in memory.
 *
 * @public
 */
export function* parseEntityYaml(
  data: Buffer,
  location: LocationSpec,
  _options?: ParseEntityYamlOptions,
): Iterable<CatalogProcessorResult> {
  const where = stringifyLocationRef(location);
  const documents = parseAllDocuments(data.toString('utf8'), { prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [];
  const broken = list.find((document) => document.errors.length > 0);
  if (broken) {
    yield processingResult.generalError(
      location,
      `YAML error at ${where}: ${broken.errors[0]!.message.split('\n')[0]}`,
    );
    return;
  }
  for (const document of list) {
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      yield processingResult.generalError(location, `YAML error at ${where}: ${(error as Error).message}`);
      continue;
    }
    if (value === null || value === undefined) {
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      yield processingResult.inputError(
        location,
        `Expected an object at the root of a document of ${where}, got ${Array.isArray(value) ? 'an array' : typeof value}`,
      );
      continue;
    }
    yield processingResult.entity(location, value as Entity);
  }
}
