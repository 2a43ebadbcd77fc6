import { InputError } from '@trellis/errors';
import { Document, isMap, isScalar, parseDocument } from 'yaml';

/** What the catalog takes from an OpenAPI or Swagger document. @internal */
export interface OpenApiSummary {
  /** The `openapi` version (`3.0.3`, `3.1.0`) or the `swagger` version (`2.0`). */
  specVersion: string;
  /** `info.title`. */
  title: string;
  /** `info.version`, as written (`1.10` stays `1.10`). */
  apiVersion: string;
}

const OPENAPI_3 = /^3\.\d+(\.\d+)?(-[0-9A-Za-z.-]+)?$/;

/**
 * Parses YAML or JSON text and checks that it is an OpenAPI 3.x or Swagger 2.0 document with
 * `info.title` and `info.version`. Throws `InputError` saying what is wrong.
 *
 * @internal
 */
export function parseOpenApiDocument(text: string): OpenApiSummary {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new InputError(`it is not valid YAML or JSON: ${firstLine(document.errors[0].message)}`);
  }
  if (!isMap(document.contents)) {
    throw new InputError('it is not an OpenAPI document: its top level is not a mapping');
  }
  return {
    specVersion: readSpecVersion(document),
    title: readInfoField(document, 'title'),
    apiVersion: readInfoField(document, 'version'),
  };
}

function readSpecVersion(document: Document): string {
  const openapi = scalarText(document.get('openapi', true));
  const swagger = scalarText(document.get('swagger', true));
  if (openapi !== undefined) {
    if (!OPENAPI_3.test(openapi)) {
      throw new InputError(`it declares openapi: ${openapi}; only OpenAPI 3.x and Swagger 2.0 are supported`);
    }
    return openapi;
  }
  if (swagger !== undefined) {
    if (swagger !== '2.0') {
      throw new InputError(`it declares swagger: ${swagger}; only OpenAPI 3.x and Swagger 2.0 are supported`);
    }
    return swagger;
  }
  throw new InputError(
    `it is not an OpenAPI 3.x or Swagger 2.0 document (it has neither an 'openapi: 3.x' nor a 'swagger: "2.0"' field)`,
  );
}

function readInfoField(document: Document, key: 'title' | 'version'): string {
  const value = scalarText(document.getIn(['info', key], true));
  if (value === undefined || value.trim() === '') {
    throw new InputError(`it has no info.${key}; OpenAPI documents must give one`);
  }
  return value;
}

/** The text of a string or number scalar as written in the file (so `2.0` is not read as 2). */
function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) {
    return undefined;
  }
  if (typeof node.value === 'string') {
    return node.value;
  }
  if (typeof node.value === 'number') {
    return node.source ?? String(node.value);
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0].replace(/:$/, '');
}
