import { signal, type ReadonlySignal } from '@preact/signals';

/** Time source of the desk; tests inject a fake one to drive countdowns and durations. */
export interface Clock {
  now(): number;
  /** Calls `tick` every `ms`; returns the stop function. */
  every(ms: number, tick: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  },
};

/** A signal holding the current time, refreshed every second (countdowns, live durations). */
export function createTicker(clock: Clock): { now: ReadonlySignal<number>; onTick: (fn: (now: number) => void) => () => void; dispose: () => void } {
  const now = signal(clock.now());
  const listeners = new Set<(now: number) => void>();
  const stop = clock.every(1000, () => {
    now.value = clock.now();
    listeners.forEach((fn) => fn(now.value));
  });
  return {
    now,
    onTick(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    dispose: stop,
  };
}

/** "0:42", "12:05", "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
