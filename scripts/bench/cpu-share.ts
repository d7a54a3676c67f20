/**
 * Where the machine's CPU went during a phase, in cores: the servers under test, Postgres,
 * Redis, the load generators (worker processes and this orchestrator), everything else,
 * and what stayed idle or was stolen by the hypervisor. Read from Linux's /proc (clock
 * ticks); elsewhere there is nothing to read and the share is left out of the report.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MachineTicks {
  busy: number;
  idle: number;
  steal: number;
  /** CPUs the kernel counts (the `cpuN` lines). */
  cpus: number;
}

export interface CpuSample {
  machine: MachineTicks;
  /** pid → process name and CPU ticks used so far (user + system, all threads). */
  processes: Map<number, { name: string; ticks: number }>;
}

export interface CpuGroups {
  servers: readonly number[];
  loadGenerators: readonly number[];
}

/** Cores used on average over the phase (2 = both cores of a 2-core machine all the time). */
export interface CpuShare {
  servers: number;
  postgres: number;
  redis: number;
  loadGenerators: number;
  /** Busy time no process above accounts for: the kernel's network work, other processes. */
  other: number;
  idle: number;
  steal: number;
}

/** /proc/stat: the first line sums every CPU, `cpu user nice system idle iowait irq softirq steal …`; one `cpuN` line per CPU follows. */
export function parseMachineTicks(procStat: string): MachineTicks {
  const lines = procStat.split('\n');
  const fields = lines[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const cpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length;
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal, cpus: Math.max(1, cpus) };
}

/** /proc/<pid>/stat: `pid (name) state …` with utime and stime the 14th and 15th fields; the name may hold spaces or parentheses. */
export function parseProcessTicks(stat: string): { name: string; ticks: number } | null {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const after = stat.slice(close + 2).split(' ');
  const utime = Number(after[11]);
  const stime = Number(after[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { name: stat.slice(open + 1, close), ticks: utime + stime };
}

/** Every process's ticks and the machine's, now; null where /proc cannot be read. */
export function sampleCpu(): CpuSample | null {
  let machine: MachineTicks;
  try {
    machine = parseMachineTicks(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
  const processes = new Map<number, { name: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parsed = parseProcessTicks(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (parsed) processes.set(Number(entry), parsed);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return { machine, processes };
}

/**
 * The cores each group used between two samples. The kernel's own tick count is the clock (all
 * CPUs' busy, idle and stolen ticks add up to the elapsed time times the CPUs), so the parts add
 * up to the machine's cores whenever the samples were taken. A process that ended meanwhile is
 * not counted (its time shows as `other`).
 */
export function cpuShare(before: CpuSample, after: CpuSample, groups: CpuGroups): CpuShare {
  const elapsed = after.machine.busy + after.machine.idle + after.machine.steal - (before.machine.busy + before.machine.idle + before.machine.steal);
  const cores = (ticks: number) => (elapsed > 0 ? (Math.max(0, ticks) / elapsed) * after.machine.cpus : 0);
  const used = (pid: number) => {
    const a = after.processes.get(pid);
    const b = before.processes.get(pid);
    return a && b && a.name === b.name ? a.ticks - b.ticks : 0;
  };
  const servers = new Set(groups.servers);
  const loadGenerators = new Set(groups.loadGenerators);
  let postgres = 0;
  let redis = 0;
  for (const [pid, p] of after.processes) {
    if (servers.has(pid) || loadGenerators.has(pid)) continue;
    if (p.name === 'postgres') postgres += used(pid);
    else if (p.name === 'redis-server') redis += used(pid);
  }
  const serverTicks = [...servers].reduce((sum, pid) => sum + used(pid), 0);
  const generatorTicks = [...loadGenerators].reduce((sum, pid) => sum + used(pid), 0);
  const busy = after.machine.busy - before.machine.busy;
  return {
    servers: cores(serverTicks),
    postgres: cores(postgres),
    redis: cores(redis),
    loadGenerators: cores(generatorTicks),
    other: cores(busy - serverTicks - postgres - redis - generatorTicks),
    idle: cores(after.machine.idle - before.machine.idle),
    steal: cores(after.machine.steal - before.machine.steal),
  };
}

/**
 * Samples at `fromMs` and `toMs` (on `now()`'s clock) while the caller awaits its phase;
 * `result()` then answers the share, or undefined when /proc could not be read.
 */
export function watchCpu(groups: () => CpuGroups, fromMs: number, toMs: number, now: () => number): { result(): CpuShare | undefined } {
  let before: CpuSample | null = null;
  let after: CpuSample | null = null;
  const first = setTimeout(() => (before = sampleCpu()), Math.max(0, fromMs - now()));
  const second = setTimeout(() => (after = sampleCpu()), Math.max(0, toMs - now()));
  return {
    result() {
      clearTimeout(first);
      clearTimeout(second);
      return before && after ? cpuShare(before, after, groups()) : undefined;
    },
  };
}
