import { CapturedLogLine, mockCredentials, startTestBackend, TestBackend } from '@trellis/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogPlugin from '..';

describe('catalog audit events', () => {
  const lines: CapturedLogLine[] = [];
  let backend: TestBackend;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-audit-'));
    fs.writeFileSync(
      path.join(dir, 'local.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: cart }\nspec: { type: service, lifecycle: production, owner: payments }\n',
    );
    backend = await startTestBackend({
      features: [catalogPlugin],
      config: {
        catalog: {
          locations: [{ type: 'file', target: path.join(dir, 'local.yaml') }],
          refresh: { frequency: { minutes: 30 }, timeout: { minutes: 1 } },
        },
      },
      logLines: lines,
    });
  });
  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${backend.baseUrl}/api/catalog${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: mockCredentials.user.header('user:default/jane') },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const audit = (eventId: string) =>
    lines
      .filter((line) => line.isAuditEvent === true && line.eventId === eventId)
      .map((line) => ({ status: line.status, meta: line.meta, actor: line.actor, severityLevel: line.severityLevel }));

  it('records location registrations and removals, and a refused removal as failed', async () => {
    const added = await call('POST', '/locations', {
      type: 'url',
      target: 'https://git.example.com/a/catalog-info.yaml',
    });
    expect(added.status).toBe(201);
    const id = added.body.location.id as string;
    expect((await call('DELETE', `/locations/${id}`)).status).toBe(204);
    const configured = (await call('GET', '/locations')).body.find(
      (l: { data: { type: string } }) => l.data.type === 'file',
    );
    expect((await call('DELETE', `/locations/${configured.data.id}`)).status).toBe(403);

    const actor = { type: 'user', userEntityRef: 'user:default/jane' };
    const created = { type: 'url', target: 'https://git.example.com/a/catalog-info.yaml', dryRun: false };
    expect(audit('location-mutate')).toEqual([
      { status: 'initiated', meta: { actionType: 'create', ...created }, actor, severityLevel: 'medium' },
      { status: 'succeeded', meta: { actionType: 'create', ...created, status: 201 }, actor, severityLevel: 'medium' },
      { status: 'initiated', meta: { actionType: 'delete', id }, actor, severityLevel: 'medium' },
      { status: 'succeeded', meta: { actionType: 'delete', id, status: 204 }, actor, severityLevel: 'medium' },
      { status: 'initiated', meta: { actionType: 'delete', id: configured.data.id }, actor, severityLevel: 'medium' },
      {
        status: 'failed',
        meta: { actionType: 'delete', id: configured.data.id },
        actor,
        severityLevel: 'medium',
      },
    ]);
  });

  it('records entity removals and refreshes; an unknown entity is a failed refresh', async () => {
    const uid = '00000000-0000-4000-8000-000000000000';
    expect((await call('DELETE', `/entities/by-uid/${uid}`)).status).toBe(204);
    expect((await call('POST', '/refresh', { entityRef: 'component:default/nope' })).status).toBe(404);
    expect(audit('entity-mutate').map(({ status, meta }) => ({ status, meta }))).toEqual([
      { status: 'initiated', meta: { actionType: 'delete', uid } },
      { status: 'succeeded', meta: { actionType: 'delete', uid, status: 204 } },
      { status: 'initiated', meta: { actionType: 'refresh', entityRef: 'component:default/nope' } },
      { status: 'failed', meta: { actionType: 'refresh', entityRef: 'component:default/nope' } },
    ]);
    const failed = lines.find((l) => l.eventId === 'entity-mutate' && l.status === 'failed');
    expect(JSON.stringify(failed)).toContain('NotFoundError');
  });
});
