import { createServiceFactory, urlReaderFactoriesServiceRef } from '@trellis/backend-plugin-api';
import {
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  PayloadTooLargeError,
} from '@trellis/errors';
import { waitFor } from '@trellis/test-kit';
import { HostServer, startHostServer } from './testing/hostServer';
import { ReaderBackend, startReaderBackend } from './testing/readerBackend';

const LAST_MODIFIED = new Date('2026-11-02T10:00:00Z');

describe('plain HTTP reading', () => {
  let host: HostServer;
  let other: HostServer;
  let backend: ReaderBackend;

  beforeAll(async () => {
    other = await startHostServer((_req, res) => res.end('secret elsewhere'));
    host = await startHostServer((req, res, url) => {
      if (url.pathname === '/docs/catalog-info.yaml') {
        if (req.headers['if-none-match'] === '"v1"') {
          res.writeHead(304).end();
          return;
        }
        const since = req.headers['if-modified-since'];
        if (since && new Date(since) >= LAST_MODIFIED) {
          res.writeHead(304).end();
          return;
        }
        res.writeHead(200, { etag: '"v1"', 'last-modified': LAST_MODIFIED.toUTCString() }).end('kind: Component\n');
      } else if (url.pathname === '/docs/moved.yaml') {
        res.writeHead(302, { location: '/docs/catalog-info.yaml' }).end();
      } else if (url.pathname === '/docs/escape.yaml') {
        res.writeHead(302, { location: `${other.origin}/stolen` }).end();
      } else if (url.pathname === '/docs/huge.bin') {
        res.writeHead(200, { 'content-length': String(4096) }).end(Buffer.alloc(4096));
      } else if (url.pathname === '/docs/huge-chunked.bin') {
        res.writeHead(200);
        for (let i = 0; i < 8; i++) res.write(Buffer.alloc(1000));
        res.end();
      } else if (url.pathname === '/docs/never.yaml') {
        res.writeHead(200);
        res.write('partial');
      } else if (url.pathname === '/private/x') {
        res.end('private');
      } else {
        res.writeHead(404).end();
      }
    });
    backend = await startReaderBackend({
      config: {
        backend: { reading: { allow: [{ host: host.host, paths: ['/docs/'] }], maxResponseBytes: 2048 } },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await host?.close();
    await other?.close();
  });

  it('reads a file from an allowed host with its ETag and date', async () => {
    const response = await backend.reader.readUrl(`${host.origin}/docs/catalog-info.yaml`);
    expect((await response.buffer()).toString()).toBe('kind: Component\n');
    expect(response.etag).toBe('"v1"');
    expect(response.lastModifiedAt).toEqual(LAST_MODIFIED);
  });

  it('streams the same content', async () => {
    const response = await backend.reader.readUrl(`${host.origin}/docs/catalog-info.yaml`);
    const chunks: Buffer[] = [];
    for await (const chunk of response.stream!()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('kind: Component\n');
  });

  it('throws NotModifiedError when the ETag still matches', async () => {
    await expect(backend.reader.readUrl(`${host.origin}/docs/catalog-info.yaml`, { etag: '"v1"' })).rejects.toThrow(
      NotModifiedError,
    );
    expect(host.requests.at(-1)?.headers['if-none-match']).toBe('"v1"');
  });

  it('throws NotModifiedError when nothing changed since lastModifiedAfter', async () => {
    const lastModifiedAfter = new Date('2026-11-03T00:00:00Z');
    await expect(
      backend.reader.readUrl(`${host.origin}/docs/catalog-info.yaml`, { lastModifiedAfter }),
    ).rejects.toThrow(NotModifiedError);
    expect(host.requests.at(-1)?.headers['if-modified-since']).toBe(lastModifiedAfter.toUTCString());
  });

  it('returns the content when it changed after lastModifiedAfter', async () => {
    const response = await backend.reader.readUrl(`${host.origin}/docs/catalog-info.yaml`, {
      lastModifiedAfter: new Date('2026-01-01T00:00:00Z'),
    });
    expect((await response.buffer()).toString()).toBe('kind: Component\n');
  });

  it('throws NotFoundError for a missing file', async () => {
    await expect(backend.reader.readUrl(`${host.origin}/docs/missing.yaml`)).rejects.toThrow(NotFoundError);
  });

  it('refuses a host that is not allowed without sending a request', async () => {
    const before = other.requests.length;
    await expect(backend.reader.readUrl(`${other.origin}/anything`)).rejects.toThrow(NotAllowedError);
    await expect(backend.reader.readUrl(`${other.origin}/anything`)).rejects.toThrow(/backend\.reading\.allow/);
    expect(other.requests.length).toBe(before);
  });

  it('refuses a path outside the allowed paths, also through dot segments', async () => {
    await expect(backend.reader.readUrl(`${host.origin}/private/x`)).rejects.toThrow(NotAllowedError);
    await expect(backend.reader.readUrl(`${host.origin}/docs/%2e%2e/private/x`)).rejects.toThrow(NotAllowedError);
  });

  it('follows a redirect to an allowed URL', async () => {
    const response = await backend.reader.readUrl(`${host.origin}/docs/moved.yaml`);
    expect((await response.buffer()).toString()).toBe('kind: Component\n');
  });

  it('refuses a redirect to a host that is not allowed, without calling it', async () => {
    const before = other.requests.length;
    await expect(backend.reader.readUrl(`${host.origin}/docs/escape.yaml`)).rejects.toThrow(
      /redirected to '.*\/stolen', which is not an allowed host/,
    );
    expect(other.requests.length).toBe(before);
  });

  it('refuses a body larger than backend.reading.maxResponseBytes, declared or streamed', async () => {
    await expect(backend.reader.readUrl(`${host.origin}/docs/huge.bin`)).rejects.toThrow(PayloadTooLargeError);
    await expect(backend.reader.readUrl(`${host.origin}/docs/huge-chunked.bin`)).rejects.toThrow(
      /larger than 2048 bytes/,
    );
  });

  it('stops waiting when the caller aborts', async () => {
    const controller = new AbortController();
    const reading = backend.reader.readUrl(`${host.origin}/docs/never.yaml`, { signal: controller.signal });
    await waitFor(() => host.requests.some((r) => r.url === '/docs/never.yaml'), {
      what: 'the host to receive the request for /docs/never.yaml',
    });
    controller.abort(new Error('caller gave up'));
    await expect(reading).rejects.toThrow('caller gave up');
  });

  it('says that trees and search need an integration', async () => {
    await expect(backend.reader.readTree(`${host.origin}/docs/`)).rejects.toThrow(NotImplementedError);
    await expect(backend.reader.search(`${host.origin}/docs/*.yaml`)).rejects.toThrow(/configure an integration/);
  });

  it('refuses a malformed URL with an InputError', async () => {
    await expect(backend.reader.readUrl('not a url')).rejects.toMatchObject({ name: 'InputError' });
  });
});

describe('reading limits', () => {
  it('gives up after backend.reading.timeoutMs', async () => {
    const host = await startHostServer((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const backend = await startReaderBackend({
      config: { backend: { reading: { allow: [{ host: host.host }], timeoutMs: 200 } } },
    });
    try {
      await expect(backend.reader.readUrl(`${host.origin}/slow`)).rejects.toThrow(/timed out after 200 ms|aborted/);
    } finally {
      await backend.stop();
      await host.close();
    }
  });
});

describe('reader factories', () => {
  it('asks readers added through urlReaderFactoriesServiceRef before the built-in ones', async () => {
    const seen: string[] = [];
    const memoryReader = createServiceFactory({
      service: urlReaderFactoriesServiceRef,
      deps: {},
      factory: () => () => [
        {
          predicate: (url: URL) => url.protocol === 'memory:',
          reader: {
            readUrl: async (url: string) => (seen.push(url), { buffer: async () => Buffer.from('from memory') }),
            readTree: async () => Promise.reject(new Error('unused')),
            search: async () => Promise.reject(new Error('unused')),
          },
        },
      ],
    });
    const backend = await startReaderBackend({ config: {}, features: [memoryReader] });
    try {
      const response = await backend.reader.readUrl('memory://catalog/entities.yaml');
      expect((await response.buffer()).toString()).toBe('from memory');
      expect(seen).toEqual(['memory://catalog/entities.yaml']);
      await expect(backend.reader.readUrl('https://unknown.example.com/x')).rejects.toThrow(NotAllowedError);
    } finally {
      await backend.stop();
    }
  });
});
