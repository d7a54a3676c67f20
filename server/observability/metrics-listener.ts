import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { metricsRoutes } from '../http/routes/metrics.ts';
import type { Metrics } from './metrics.ts';

/**
 * METRICS_LISTEN: `/metrics` alone on a private address (no token: whoever reaches that address is
 * on the private network). Nothing else is served there.
 */
export interface MetricsListener {
  /** e.g. http://10.0.0.5:9464 (the bound port when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

export async function startMetricsListener(metrics: Metrics, address: { host: string; port: number }): Promise<MetricsListener> {
  const server = createAdaptorServer({ fetch: metricsRoutes(metrics, { kind: 'open' }).fetch }) as HttpServer;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
