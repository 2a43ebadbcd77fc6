import { parseEvaluatePermissionRequestBatch, parsePermissionCriteria } from './parsePermissionMessages';

const read = { type: 'resource', name: 'todo.read', attributes: { action: 'read' }, resourceType: 'todo-item' };

describe('permission messages', () => {
  it('accepts a batch in the wire format', () => {
    expect(parseEvaluatePermissionRequestBatch({ items: [{ id: 'a', permission: read, resourceRef: 'x' }] })).toEqual([
      { id: 'a', permission: read, resourceRef: 'x' },
    ]);
  });

  it('refuses conditions nested deeper than 32 levels', () => {
    let criteria: object = { resourceType: 't', rule: 'R' };
    for (let i = 0; i < 40; i++) {
      criteria = { not: criteria };
    }
    expect(() => parsePermissionCriteria(criteria)).toThrow(/too large/);
  });

  it('refuses an empty anyOf and a condition with unknown keys', () => {
    expect(() => parsePermissionCriteria({ anyOf: [] })).toThrow(/non-empty list/);
    expect(() => parsePermissionCriteria({ resourceType: 't', rule: 'R', extra: 1 })).toThrow(/unknown key 'extra'/);
  });
});
