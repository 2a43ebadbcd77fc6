import { Entity, isValidKind, isValidName, isValidNamespace } from '@trellis/plugin-catalog-node';
import { onFirstUse } from '@trellis/backend-plugin-api';
import { z } from 'zod';

const API_VERSION = /^[a-z0-9]+(?:[.-][a-z0-9]+)*\/[a-z0-9]+$/;
const TAG = /^[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*$/;
const KEY = /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*\/)?[a-zA-Z0-9]+(?:[._-][a-zA-Z0-9]+)*$/;

const BUILT_IN_API_VERSIONS = new Set(['backstage.io/v1alpha1', 'backstage.io/v1beta1']);

/** The schemas, built when the first entity needs them. */
const schemas = onFirstUse(buildSchemas);

function buildSchemas() {
  const shortKey = z.string().max(253).regex(KEY, 'must be [prefix/]name of letters, digits, ., _ and -');

  const metadata = z
    .object({
      name: z.string().refine(isValidName, 'must be 1-63 letters or digits, with single ., _ or - between them'),
      namespace: z
        .string()
        .refine(isValidNamespace, 'must be 1-63 lower-case letters or digits, with single - between them')
        .optional(),
      title: z.string().max(255).optional(),
      description: z.string().max(10_000).optional(),
      labels: z.record(shortKey, z.string().max(63)).optional(),
      annotations: z.record(shortKey, z.string().max(10_000)).optional(),
      tags: z
        .array(z.string().max(63).regex(TAG, 'must be lower-case letters, digits, :, +, # and single -'))
        .max(50)
        .optional(),
      links: z
        .array(
          z
            .object({
              url: z.string().url(),
              title: z.string().optional(),
              icon: z.string().optional(),
              type: z.string().optional(),
            })
            .strict(),
        )
        .optional(),
    })
    .passthrough();

  const envelope = z
    .object({
      apiVersion: z.string().regex(API_VERSION, 'must look like group/version, such as backstage.io/v1alpha1'),
      kind: z.string().refine(isValidKind, 'must be letters and digits, starting with a letter'),
      metadata,
      spec: z.record(z.string(), z.unknown()).optional(),
    })
    .passthrough();

  const text = z.string().min(1).max(255);
  const ref = z.string().min(1).max(255);
  const refs = z.array(ref).max(1000);

  /** The spec of each built-in kind, as Backstage defines them. */
  const kindSpecs: Record<string, z.ZodType> = {
    component: z
      .object({
        type: text,
        lifecycle: text,
        owner: ref,
        system: ref.optional(),
        subcomponentOf: ref.optional(),
        providesApis: refs.optional(),
        consumesApis: refs.optional(),
        dependsOn: refs.optional(),
        dependencyOf: refs.optional(),
      })
      .passthrough(),
    api: z
      .object({
        type: text,
        lifecycle: text,
        owner: ref,
        system: ref.optional(),
        definition: z
          .string({
            error: 'must be the API definition as text (an unresolved { $openapi: path } needs the openapi module)',
          })
          .min(1)
          .max(5 * 1024 * 1024),
      })
      .passthrough(),
    system: z.object({ owner: ref, domain: ref.optional(), type: text.optional() }).passthrough(),
    domain: z.object({ owner: ref, subdomainOf: ref.optional(), type: text.optional() }).passthrough(),
    resource: z
      .object({
        type: text,
        owner: ref,
        system: ref.optional(),
        dependsOn: refs.optional(),
        dependencyOf: refs.optional(),
      })
      .passthrough(),
    group: z
      .object({
        type: text,
        children: refs,
        parent: ref.optional(),
        members: refs.optional(),
        profile: z
          .object({ displayName: z.string().optional(), email: z.string().optional(), picture: z.string().optional() })
          .passthrough()
          .optional(),
      })
      .passthrough(),
    user: z
      .object({
        memberOf: refs,
        profile: z
          .object({ displayName: z.string().optional(), email: z.string().optional(), picture: z.string().optional() })
          .passthrough()
          .optional(),
      })
      .passthrough(),
    location: z
      .object({
        type: z.string().optional(),
        target: z.string().min(1).optional(),
        targets: z.array(z.string().min(1)).optional(),
      })
      .passthrough()
      .refine((spec) => spec.target !== undefined || spec.targets !== undefined, 'must have target or targets'),
  };
  return { envelope, kindSpecs };
}

/** Describes zod's problems as `'field' message; 'field' message`. */
function describe(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((issue) => {
      const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return field ? `'${field}' ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * Checks the envelope every entity shares (apiVersion, kind, metadata, spec). Throws an Error
 * naming every offending field; returns the entity with its namespace filled in and the
 * catalog-owned fields (uid, etag, relations) dropped.
 */
export function validateEnvelope(value: unknown): Entity {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `an entity must be a mapping, not ${Array.isArray(value) ? 'a list' : value === null ? 'empty' : typeof value}`,
    );
  }
  const result = schemas().envelope.safeParse(value);
  if (!result.success) {
    throw new Error(describe(result.error, ''));
  }
  const { relations: _relations, ...entity } = result.data as Entity & { relations?: unknown };
  const { uid: _uid, etag: _etag, ...meta } = entity.metadata;
  return { ...entity, metadata: { ...meta, namespace: meta.namespace ?? 'default' } };
}

/**
 * Checks the spec of a built-in kind. Returns false when the kind is not built in (or has another
 * apiVersion), so that a processor may claim it; throws an Error naming the fields otherwise.
 */
export function validateBuiltInKind(entity: Entity): boolean {
  const schema = schemas().kindSpecs[entity.kind.toLowerCase()];
  if (!schema || !BUILT_IN_API_VERSIONS.has(entity.apiVersion)) {
    return false;
  }
  const result = schema.safeParse(entity.spec ?? {});
  if (!result.success) {
    throw new Error(describe(result.error, 'spec'));
  }
  return true;
}
