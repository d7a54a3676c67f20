/**
 * Measures how long visitor sockets take to reconnect through nginx when a node stops: two nodes
 * behind the example config, N sockets, optionally node A crashed and restarted first, then node B
 * stopped with SIGTERM. Prints each socket's reconnect time and failed attempts, and nginx's upstream
 * errors. A measurement, not a test (docs/operations/reverse-proxy.md#reconnects-after-a-stop):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx test/e2e/measure-reconnects.ts \
 *     [--health 'max_fails=1 fail_timeout=5s'] [--sockets 20] [--restart-first]
 */
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { startNginx } from './nginx.ts';
import { DEMO_WEBSITE_KEY, startSystem } from './system.ts';

const { values } = parseArgs({ options: { health: { type: 'string' }, sockets: { type: 'string', default: '20' }, 'restart-first': { type: 'boolean', default: false } } });
const cluster = await startSystem({ nodes: 2, env: { REDIS_URL: process.env.E2E_REDIS_URL ?? 'redis://127.0.0.1:6379' } });
const nginx = await startNginx({ upstreams: cluster.urls.map((u) => new URL(u).host), passiveHealth: values.health });
try {
  const sockets: Socket[] = [];
  for (let i = 0; i < Number(values.sockets); i++) {
    const socket = io(`${nginx.url}/visitor`, { forceNew: true, transports: ['websocket'], ca: nginx.ca, auth: { websiteKey: DEMO_WEBSITE_KEY }, extraHeaders: { origin: cluster.publicUrl }, reconnectionDelay: 1_000, reconnectionDelayMax: 10_000, randomizationFactor: 0.5 });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    sockets.push(socket);
  }
  if (values['restart-first']) await cluster.restartNode(0);
  const drops: { at: number; back?: number; failures: string[] }[] = [];
  for (const socket of sockets) {
    let drop: (typeof drops)[number] | null = null;
    socket.on('disconnect', () => drops.push((drop = { at: Date.now(), failures: [] })));
    socket.on('connect_error', (err) => drop?.failures.push(`${Date.now() - drop.at} ms: ${err.message}`));
    socket.on('connect', () => drop && (drop.back = Date.now()));
  }
  const stoppedAt = Date.now();
  console.log(`node B stopped (exit ${await cluster.stopNode(1)}) in ${Date.now() - stoppedAt} ms; passive health: ${values.health ?? 'the example\'s'}`);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (drops.length === 0 || drops.some((d) => !d.back))) await new Promise((r) => setTimeout(r, 100));
  for (const d of drops) console.log(`back after ${d.back ? `${d.back - d.at} ms` : 'more than 60 s'}${d.failures.length ? `; failed: ${d.failures.join(', ')}` : ''}`);
  console.log(nginx.errorLog().split('\n').filter((l) => /no live upstreams|temporarily disabled/.test(l)).length, 'nginx lines "no live upstreams" / "temporarily disabled"');
  sockets.forEach((s) => s.disconnect());
} finally {
  await nginx.stop();
  await cluster.stop();
}
