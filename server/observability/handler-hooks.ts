/**
 * What realtime/register.ts tells the rest of the node about each socket event
 * it handles: timing for the ack latency histogram, and the in-flight count a
 * graceful shutdown waits on. Hooks are attached per Socket.IO server (a
 * WeakMap), so register.ts needs no new parameter and two in-process nodes stay apart.
 */
export interface HandlerHooks {
  /** false while the node shuts down: new events are answered with a retryable UNAVAILABLE, unprocessed. */
  accepting(): boolean;
  /** An event was received; the returned function is called once its ack is sent. */
  started(namespace: string, event: string): () => void;
}

const hooksByServer = new WeakMap<object, HandlerHooks>();

export function setHandlerHooks(server: object, hooks: HandlerHooks): void {
  hooksByServer.set(server, hooks);
}

export function handlerHooksFor(server: object): HandlerHooks | undefined {
  return hooksByServer.get(server);
}

/** Counts handlers between receipt and ack; `idle()` resolves when none is running (or at the deadline). */
export interface InFlight {
  readonly count: number;
  enter(): void;
  leave(): void;
  /** true when everything finished, false when the timeout came first. */
  idle(timeoutMs: number): Promise<boolean>;
}

export function createInFlight(): InFlight {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    get count() {
      return count;
    },
    enter() {
      count++;
    },
    leave() {
      count = Math.max(0, count - 1);
      if (count === 0) {
        const done = waiters;
        waiters = [];
        done.forEach((w) => w());
      }
    },
    idle(timeoutMs) {
      if (count === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== onIdle);
          resolve(false);
        }, timeoutMs);
        const onIdle = () => {
          clearTimeout(timer);
          resolve(true);
        };
        waiters.push(onIdle);
      });
    },
  };
}
