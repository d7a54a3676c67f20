/**
 * Debian's nginx in front of test nodes, configured by the example deploy/nginx/parley.conf itself:
 * its addresses, ports and paths are swapped for the test's (each swap must match, so the example
 * cannot drift from what is tested), TLS with a throw-away self-signed certificate.
 * Runs as whoever runs the tests (no root needed): its own prefix, pid and logs in a temp dir.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNginx, findOpenssl } from '../../scripts/nginx/ensure.mjs';
import { freePort } from '../../server/testing/scratch.ts';

export const EXAMPLE_CONF = fileURLToPath(new URL('../../deploy/nginx/parley.conf', import.meta.url));

export interface NginxOptions {
  /** The nodes' `host:port`, in place of the example's two upstream servers. */
  upstreams: string[];
  /** The TLS port (known before the nodes start, for their PUBLIC_URL); default: a free one. */
  httpsPort?: number;
  /** Replaces the example's `max_fails=… fail_timeout=…` (to reproduce another setting). */
  passiveHealth?: string;
}

export interface RunningNginx {
  /** https://127.0.0.1:<port>: the TLS server of the example. */
  url: string;
  /** http://127.0.0.1:<port>: the example's redirect to HTTPS. */
  plainUrl: string;
  /** The self-signed certificate (PEM) clients must trust. */
  ca: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** The example with the test's values; throws when a line it swaps is no longer in the example. */
export function testConfig(example: string, v: { prefix: string; upstreams: string[]; httpPort: number; httpsPort: number; cert: string; key: string; passiveHealth?: string }): string {
  let conf = example;
  const swap = (pattern: RegExp, replacement: string) => {
    if (!pattern.test(conf)) throw new Error(`deploy/nginx/parley.conf no longer has ${pattern}: update test/e2e/nginx.ts`);
    conf = conf.replace(pattern, replacement);
  };
  swap(/^pid .*;$/m, `pid ${v.prefix}/nginx.pid;`);
  swap(/^error_log \S+/m, `error_log ${v.prefix}/error.log`);
  swap(/^(\s*)access_log \/\S+;$/m, `$1access_log ${v.prefix}/access.log;`);
  // Debian's build puts temp files under /var/lib/nginx, writable by root only.
  swap(/^http \{$/m, ['http {', ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${v.prefix}/${t};`)].join('\n'));
  const servers = [...conf.matchAll(/^(\s*)server 10\.0\.0\.\d+:3000 (.*);$/gm)];
  if (servers.length !== 2) throw new Error('deploy/nginx/parley.conf no longer has two upstream servers: update test/e2e/nginx.ts');
  const indent = servers[0]![1]!;
  const health = v.passiveHealth ?? servers[0]![2]!;
  conf = conf.replace(servers[0]![0], v.upstreams.map((u) => `${indent}server ${u} ${health};`).join('\n'));
  conf = conf.replace(servers[1]![0] + '\n', '');
  swap(/listen 80;/, `listen 127.0.0.1:${v.httpPort};`);
  swap(/listen 443 ssl http2;/, `listen 127.0.0.1:${v.httpsPort} ssl http2;`);
  swap(/ssl_certificate\s+\S+;/, `ssl_certificate ${v.cert};`);
  swap(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${v.key};`);
  return conf;
}

export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  const [nginx, openssl] = [findNginx(), findOpenssl()];
  const missing = [nginx, openssl].flatMap((f) => ('problem' in f ? [f.problem] : []));
  if (!nginx.path || !openssl.path) throw new Error(`${missing.join(' ')} Run \`node scripts/nginx/ensure.mjs\` (as root on Debian it installs them).`);
  const prefix = mkdtempSync(join(tmpdir(), 'parley-nginx-'));
  // Started as root, nginx's workers run as an unprivileged user: they must reach the temp dirs.
  chmodSync(prefix, 0o755);
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(prefix, t));
    chmodSync(join(prefix, t), 0o777);
  }
  const cert = join(prefix, 'cert.pem');
  const key = join(prefix, 'key.pem');
  const made = spawnSync(openssl.path, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr}`);
  const [httpPort, httpsPort] = [await freePort(), options.httpsPort ?? (await freePort())];
  const confFile = join(prefix, 'nginx.conf');
  writeFileSync(confFile, testConfig(readFileSync(EXAMPLE_CONF, 'utf8'), { prefix, upstreams: options.upstreams, httpPort, httpsPort, cert, key, passiveHealth: options.passiveHealth }));

  let output = '';
  const child: ChildProcess = spawn(nginx.path, ['-p', prefix, '-c', confFile, '-e', join(prefix, 'startup.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const errorLog = () => (existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '');
  const url = `https://127.0.0.1:${httpsPort}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output}\n${errorLog()}`);
    if (await answers(`http://127.0.0.1:${httpPort}/`)) break;
    if (Date.now() > deadline) throw new Error(`nginx did not start:\n${output}\n${errorLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    plainUrl: `http://127.0.0.1:${httpPort}`,
    ca: readFileSync(cert, 'utf8'),
    errorLog,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM'); // fast shutdown: the workers close their connections and exit with the master
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { redirect: 'manual' });
    return true;
  } catch {
    return false;
  }
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request trusting the test certificate (fetch cannot be given a CA). */
export function proxyRequest(url: string, ca: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<ProxyResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
