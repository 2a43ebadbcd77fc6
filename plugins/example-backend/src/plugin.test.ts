import { CapturedLogLine, startTestBackend } from '@trellis/backend-test-utils';
import examplePlugin from '.';

describe('example plugin', () => {
  it('serves the default message from its config schema without credentials', async () => {
    const lines: CapturedLogLine[] = [];
    const backend = await startTestBackend({ features: [examplePlugin], logLines: lines });
    const response = await fetch(`${backend.baseUrl}/api/example/hello`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Hello from Trellis' });
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'Hello from example plugin', plugin: 'example', level: 'info' }),
    );
    await backend.stop();
  });

  it('serves the configured message', async () => {
    const backend = await startTestBackend({
      features: [examplePlugin],
      config: { example: { message: 'Hi from config' } },
    });
    const response = await fetch(`${backend.baseUrl}/api/example/hello`);
    expect(await response.json()).toEqual({ message: 'Hi from config' });
    await backend.stop();
  });

  it('refuses to start when its config violates the schema, naming the key', async () => {
    await expect(startTestBackend({ features: [examplePlugin], config: { example: { message: 42 } } })).rejects.toThrow(
      /example\.message/,
    );
  });
});
