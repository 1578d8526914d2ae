import { rm } from 'node:fs/promises';
import { connect, type ListenOptions, type Server, type Socket } from 'node:net';

// ATA_LISTEN=unix:/path: the companion on a Unix domain socket, for a proxy on the same host.

/** server.listen() as a promise: rejected with the listen error (EADDRINUSE, EACCES, …). */
export function listen(server: Server, options: ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

// Everyone may connect, as to a loopback port (the proxy runs as a user of its own); the
// directory's mode is the place to narrow that, e.g. systemd's RuntimeDirectoryMode=.
const bind = (server: Server, socket: string) =>
  listen(server, { path: socket, readableAll: true, writableAll: true });

/** Whether a process accepts connections on the socket (a refused or missing one: no). */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

// What a Unix socket connection's peer address reads as: it comes from a process on this host, as
// a loopback connection does, so the settings' trusted proxies and allowlists judge it as one
// (put 127.0.0.1 among the trusted proxies for nginx's X-Forwarded-For). Node reports none.
const LOCAL_PEER = '127.0.0.1';

function localPeer(connection: Socket): void {
  Object.defineProperty(connection, 'remoteAddress', { value: LOCAL_PEER });
}

/**
 * Listens on a Unix domain socket. A socket file left by a companion that was killed (kill -9 and
 * crashes leave it; a clean stop removes it) is replaced once a connection to it is refused; one
 * that answers belongs to a running process, and the start stops.
 */
export async function listenOnSocket(server: Server, socket: string): Promise<void> {
  server.on('connection', localPeer);
  try {
    await bind(server, socket);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    if (await answers(socket)) throw new Error(`ATA_LISTEN: ${socket} is in use by a running process`);
    await rm(socket, { force: true });
    await bind(server, socket);
  }
}
