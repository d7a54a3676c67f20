import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP receiver on 127.0.0.1 for webhook tests: records every request, answers what the test scripts. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Highest number of requests for one delivery id being handled at the same time. */
  maxConcurrentPerDelivery: number;
  close(): Promise<void>;
}

export async function startReceiver(
  respond: (req: ReceivedRequest, index: number) => number | Promise<number> = () => 200,
  opts: { delayMs?: number } = {},
): Promise<TestReceiver> {
  const inFlight = new Map<string, number>();
  const receiver: TestReceiver = { url: '', requests: [], maxConcurrentPerDelivery: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const received = { headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') };
      const index = receiver.requests.push(received) - 1;
      const id = String(req.headers['parley-delivery']);
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      receiver.maxConcurrentPerDelivery = Math.max(receiver.maxConcurrentPerDelivery, inFlight.get(id)!);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      const status = await respond(received, index);
      inFlight.set(id, inFlight.get(id)! - 1);
      if (status >= 300 && status < 400) res.setHeader('location', `${receiver.url}/elsewhere`);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
