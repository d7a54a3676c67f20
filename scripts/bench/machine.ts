/** The machine a run happened on, for the report. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  postgres: string;
  date: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverage: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    /* not Linux */
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(postgres: string, date = new Date()): Machine {
  return { cpu: cpuModel(), cores: cpus().length, ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10, node: process.version, postgres, date: date.toISOString(), loadAverage: Math.round(loadavg()[0]! * 100) / 100 };
}
