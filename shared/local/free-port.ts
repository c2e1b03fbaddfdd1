import { createServer } from 'node:net';

/**
 * Asks the OS for a free loopback TCP port.
 *
 * For servers that cannot bind port 0 themselves (DynamoDB Local takes `-port N`).
 * The port is released before it is returned, so a caller retries on EADDRINUSE.
 */
export async function findFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
