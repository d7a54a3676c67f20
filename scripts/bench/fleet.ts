/** The orchestrator's side of the worker processes: fork them, send commands, await replies. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command, Reply } from './protocol.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface Worker {
  pid: number;
  call<T>(command: Command): Promise<T>;
  close(): Promise<void>;
}

function startWorker(): Worker {
  const child: ChildProcess = fork(WORKER, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(new Error(`worker: ${reply.error}`));
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`worker exited (${code})`));
    pending.clear();
  });
  return {
    pid: child.pid!,
    call<T>(command: Command) {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, command });
      });
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await this.call({ op: 'close' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Workers for one target: one process for the agents, the others for the visitors. */
export interface Fleet {
  agents: Worker;
  visitors: Worker[];
  all: Worker[];
  close(): Promise<void>;
}

export function startFleet(visitorWorkers: number): Fleet {
  const agents = startWorker();
  const visitors = Array.from({ length: visitorWorkers }, startWorker);
  const all = [agents, ...visitors];
  return { agents, visitors, all, close: () => Promise.all(all.map((w) => w.close())).then(() => undefined) };
}
