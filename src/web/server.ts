// Serves the app on a port. Kept apart from app.tsx so tests can use the app without a socket.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Database } from '../db/client.ts';
import { createApp } from './app.tsx';
import { parseTrustedProxies } from './client-address.ts';

export interface RunningServer {
  port: number;
  server: ServerType;
  close(): Promise<void>;
}

export function startServer({ database, port, hostname }: { database: Database; port: number; hostname?: string }): Promise<RunningServer> {
  // A bad SHISAKU_TRUSTED_PROXIES stops the start with its message instead of being read as "trust none" unnoticed.
  parseTrustedProxies(process.env.SHISAKU_TRUSTED_PROXIES);
  const app = createApp({ database });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets would hold close() open; they carry no unfinished work at shutdown.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
