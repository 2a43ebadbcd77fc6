import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listened on a moment ago. Another process may still take
 * it before the caller binds, so servers that can should listen on port 0 instead.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
