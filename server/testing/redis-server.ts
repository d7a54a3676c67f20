import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './scratch.ts';

/**
 * A private redis-server for tests that stop and restart Redis: its own free
 * loopback port, no persistence, so restarting it never disturbs the shared
 * Redis other suites use. Needs `redis-server` on the PATH (REDIS_SERVER overrides).
 */
export interface RedisInstance {
  port: number;
  url: string;
  /** Stops it (SIGKILL when `hard`, like a crash); `start()` brings it back on the same port, empty. */
  stop(hard?: boolean): Promise<void>;
  start(): Promise<void>;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export async function startRedis(): Promise<RedisInstance> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const binary = process.env.REDIS_SERVER ?? 'redis-server';
  const instance: RedisInstance = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn(binary, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const deadline = Date.now() + 10_000;
      while (!(await answersPing(port))) {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        if (Date.now() > deadline) throw new Error('redis-server did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(hard = false) {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill(hard ? 'SIGKILL' : 'SIGTERM');
      await exited;
    },
  };
  await instance.start();
  return instance;
}
