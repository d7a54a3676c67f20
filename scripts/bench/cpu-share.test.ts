import { describe, expect, it } from 'vitest';
import { cpuShare, parseMachineTicks, parseProcessTicks, sampleCpu, type CpuSample } from './cpu-share.ts';

/** A /proc/<pid>/stat line with the given name and user/system ticks (the other fields as Linux writes them). */
const statLine = (pid: number, name: string, utime: number, stime: number) =>
  `${pid} (${name}) S 1 ${pid} ${pid} 0 -1 4194560 1234 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 5000 1000000 2000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0`;

function sample(machine: CpuSample['machine'], processes: [number, string, number][]): CpuSample {
  return { machine, processes: new Map(processes.map(([pid, name, ticks]) => [pid, { name, ticks }])) };
}

describe('bench CPU share', () => {
  it('reads the machine line of /proc/stat: busy counts user, nice, system, irq and softirq; idle counts iowait', () => {
    const stat = 'cpu  100 5 40 800 10 2 8 3 0 0\ncpu0 50 2 20 400 5 1 4 1 0 0\ncpu1 50 3 20 400 5 1 4 2 0 0\nintr 12345\n';
    expect(parseMachineTicks(stat)).toEqual({ busy: 155, idle: 810, steal: 3, cpus: 2 });
  });

  it('reads a process line whose name holds spaces and parentheses', () => {
    expect(parseProcessTicks(statLine(42, 'node', 1200, 300))).toEqual({ name: 'node', ticks: 1500 });
    expect(parseProcessTicks(statLine(43, 'postgres: (walwriter) x', 7, 3))).toEqual({ name: 'postgres: (walwriter) x', ticks: 10 });
    expect(parseProcessTicks('garbage')).toBeNull();
  });

  it('splits two seconds of a 2-core machine between servers, Postgres, Redis, load generators, the rest, idle and steal', () => {
    const before = sample({ busy: 1_000, idle: 5_000, steal: 10, cpus: 2 }, [[10, 'node', 100], [20, 'node', 50], [30, 'postgres', 40], [31, 'postgres', 0], [40, 'redis-server', 5], [50, 'bash', 7]]);
    const after = sample({ busy: 1_340, idle: 5_050, steal: 20, cpus: 2 }, [[10, 'node', 250], [20, 'node', 130], [30, 'postgres', 80], [31, 'postgres', 20], [40, 'redis-server', 7], [50, 'bash', 9]]);
    const share = cpuShare(before, after, { servers: [10], loadGenerators: [20] });
    // 400 ticks went by on 2 CPUs (2 s): the server used 150 (0.75 core), the generators 80, Postgres 60, Redis 2.
    expect(share).toEqual({ servers: 0.75, postgres: 0.3, redis: 0.01, loadGenerators: 0.4, other: 0.24, idle: 0.25, steal: 0.05 });
  });

  it('does not count a process that appeared, ended, or whose pid was reused by another program', () => {
    const before = sample({ busy: 0, idle: 0, steal: 0, cpus: 2 }, [[10, 'node', 100], [11, 'postgres', 100]]);
    const after = sample({ busy: 200, idle: 0, steal: 0, cpus: 2 }, [[10, 'bash', 500], [12, 'postgres', 50]]);
    const share = cpuShare(before, after, { servers: [10], loadGenerators: [] });
    expect(share.servers).toBe(0);
    expect(share.postgres).toBe(0);
    expect(share.other).toBe(2);
  });

  it('samples this very process from /proc on Linux', () => {
    const now = sampleCpu();
    if (process.platform !== 'linux') return expect(now).toBeNull();
    expect(now!.processes.get(process.pid)?.ticks).toBeGreaterThanOrEqual(0);
    expect(now!.machine.busy + now!.machine.idle).toBeGreaterThan(0);
  });
});
