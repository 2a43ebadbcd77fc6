import { CapturedLogLine, mockCredentials, startTestBackend, TestBackend } from '@trellis/backend-test-utils';
import todoPlugin from '.';

describe('todo plugin audit events', () => {
  const lines: CapturedLogLine[] = [];
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [todoPlugin],
      config: { todo: { checkEntityRefs: false } },
      logLines: lines,
    });
  });
  afterAll(() => backend?.stop());

  const call = async (method: string, path: string, body?: unknown, authorization = mockCredentials.user.header()) => {
    const response = await fetch(`${backend.baseUrl}/api/todo${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const auditLines = (eventId: string) =>
    lines.filter((line) => line.isAuditEvent === true && line.eventId === eventId);

  it('records a create by a user as initiated, then succeeded with the new todo id', async () => {
    const created = await call(
      'POST',
      '/todos',
      { title: 'Audit me' },
      mockCredentials.user.header('user:default/jane'),
    );
    expect(created.status).toBe(201);
    expect(auditLines('todo-create')).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'todo.todo-create',
        plugin: 'todo',
        severityLevel: 'medium',
        status: 'initiated',
        actor: { type: 'user', userEntityRef: 'user:default/jane' },
        request: { method: 'POST', url: '/api/todo/todos' },
      }),
      expect.objectContaining({ status: 'succeeded', meta: { todoId: created.body.id } }),
    ]);
  });

  it('records updates and deletes with the todo id, the service caller and a URL without query secrets', async () => {
    const { body: todo } = await call('POST', '/todos', { title: 'Change me' });
    const service = mockCredentials.service.header({ subject: 'plugin:catalog' });
    expect(
      (await call('PUT', `/todos/${todo.id}?token=s3cret&x=1`, { status: 'done', version: 1 }, service)).status,
    ).toBe(200);
    expect((await call('DELETE', `/todos/${todo.id}`, undefined, service)).status).toBe(204);
    expect(auditLines('todo-update')).toEqual([
      expect.objectContaining({
        status: 'initiated',
        meta: { todoId: todo.id },
        actor: { type: 'service', subject: 'plugin:catalog' },
        request: { method: 'PUT', url: `/api/todo/todos/${todo.id}?token=[REDACTED]&x=1` },
      }),
      expect.objectContaining({ status: 'succeeded', meta: { todoId: todo.id } }),
    ]);
    expect(auditLines('todo-delete').map((line) => [line.status, line.meta])).toEqual([
      ['initiated', { todoId: todo.id }],
      ['succeeded', { todoId: todo.id }],
    ]);
  });

  it('records a write that fails with its error', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await call('DELETE', `/todos/${id}`)).status).toBe(404);
    const failed = auditLines('todo-delete').filter((line) => line.meta && (line.meta as any).todoId === id);
    expect(failed.map((line) => line.status)).toEqual(['initiated', 'failed']);
    expect(failed[1].error).toEqual({ name: 'NotFoundError', message: `No todo with id '${id}'` });
  });
});
