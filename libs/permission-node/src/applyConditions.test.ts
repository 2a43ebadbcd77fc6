import { createPermission, createPermissionResourceRef } from '@trellis/plugin-permission-common';
import { z } from 'zod';
import { createConditionAuthorizer, createConditionTransformer } from './applyConditions';
import { createConditionExports } from './createConditionExports';
import { createPermissionRule, makeCreatePermissionRule } from './createPermissionRule';

interface Doc {
  owner: string;
  tags: string[];
}
type DocQuery = { owner: string } | { tag: string };

const docRef = createPermissionResourceRef<Doc, DocQuery>().with({ pluginId: 'docs', resourceType: 'doc' });
const readDoc = createPermission({ name: 'docs.doc.read', attributes: { action: 'read' }, resourceType: 'doc' });

const isOwner = createPermissionRule({
  name: 'IS_OWNER',
  description: 'owned by',
  resourceRef: docRef,
  paramsSchema: z.object({ owner: z.string() }),
  apply: (doc, { owner }) => doc.owner === owner,
  toQuery: ({ owner }) => ({ owner }),
});
const hasTag = makeCreatePermissionRule<Doc, DocQuery, 'doc'>()({
  name: 'HAS_TAG',
  description: 'tagged',
  resourceType: 'doc',
  paramsSchema: z.object({ tag: z.string().default('public') }),
  apply: (doc, { tag }) => doc.tags.includes(tag),
  toQuery: ({ tag }) => ({ tag }),
});

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: docRef,
  rules: { isOwner, hasTag },
});
const decision = createConditionalDecision(readDoc, {
  anyOf: [conditions.isOwner({ owner: 'ada' }), { not: conditions.hasTag({ tag: 'secret' }) }],
});

describe('conditions', () => {
  it('are addressed to the plugin that owns the resource type', () => {
    expect(decision).toEqual({
      result: 'CONDITIONAL',
      pluginId: 'docs',
      resourceType: 'doc',
      conditions: {
        anyOf: [
          { rule: 'IS_OWNER', resourceType: 'doc', params: { owner: 'ada' } },
          { not: { rule: 'HAS_TAG', resourceType: 'doc', params: { tag: 'secret' } } },
        ],
      },
    });
  });

  it('decide a resource in memory with allOf, anyOf and not', () => {
    const authorize = createConditionAuthorizer([isOwner, hasTag]);
    expect(authorize(decision, { owner: 'ada', tags: ['secret'] })).toBe(true);
    expect(authorize(decision, { owner: 'bob', tags: ['secret'] })).toBe(false);
    expect(authorize(decision, { owner: 'bob', tags: [] })).toBe(true);
    expect(authorize(decision, undefined)).toBe(false);
    expect(authorize({ result: 'ALLOW' }, undefined)).toBe(true);
  });

  it('become query filters in the same shape', () => {
    const transform = createConditionTransformer([isOwner, hasTag]);
    expect(transform(decision.conditions)).toEqual({ anyOf: [{ owner: 'ada' }, { not: { tag: 'secret' } }] });
  });

  it('get the defaults of a rule schema', () => {
    const transform = createConditionTransformer([isOwner, hasTag]);
    expect(transform({ rule: 'HAS_TAG', resourceType: 'doc' })).toEqual({ tag: 'public' });
  });

  it('with an unknown rule, parameters the schema refuses or another resource type are input errors', () => {
    const transform = createConditionTransformer([isOwner, hasTag]);
    expect(() => transform({ rule: 'NOPE', resourceType: 'doc' })).toThrow(/Unknown permission rule 'NOPE'/);
    expect(() => transform({ rule: 'IS_OWNER', resourceType: 'doc', params: { owner: 7 } })).toThrow(
      /Invalid params for permission rule 'IS_OWNER': owner/,
    );
    expect(() => transform({ rule: 'IS_OWNER', resourceType: 'page', params: { owner: 'a' } })).toThrow(
      /resource type 'page'/,
    );
  });
});
