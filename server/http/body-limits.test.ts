import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ASSISTANT_DRAFT_BYTES } from '../../protocol/index.ts';
import type { Database } from '../db/client.ts';
import { backends } from '../db/test-backends.ts';
import type { RunningServer } from '../main.ts';
import { api, loginCookie, startTestServer } from '../testing/test-kit.ts';

interface Answer {
  status: number;
  body: string;
  /** Bytes the client had handed to its socket when the answer's headers arrived. */
  sentBeforeAnswer: number;
}

/**
 * POSTs `totalBytes` of JSON whitespace (declared up front, or chunked), writing only as fast as
 * the server reads (backpressure), and stops as soon as an answer comes. A server that buffers
 * the whole body before answering lets every byte through first.
 */
function postHuge(url: string, totalBytes: number, framing: 'content-length' | 'chunked'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (framing === 'content-length') headers['content-length'] = String(totalBytes);
    const req = request(url, { method: 'POST', headers });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, sentBeforeAnswer }));
    });
    // Once it has answered, the server may cut the rest of the upload off: that is the point.
    req.on('error', (err) => answered || reject(err));
    const pump = () => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe.each(backends)('request body limits on $name', (backend) => {
  let database: Database;
  let server: RunningServer;
  let admin: string;
  beforeAll(async () => {
    database = await backend.open();
    server = await startTestServer(database, {}, { webhooks: false });
    admin = await loginCookie(server);
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const FIFTY_MB = 50 * 1024 * 1024;

  it.each(['content-length', 'chunked'] as const)('refuses a 50 MB login body (%s) with 413 before it has been sent, without buffering it', async (framing) => {
    const answer = await postHuge(`${server.url}/api/v1/auth/login`, FIFTY_MB, framing);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/64 KB/) } });
    // Only what socket buffers hold was on its way when the refusal came, not the 50 MB.
    expect(answer.sentBeforeAnswer).toBeLessThan(FIFTY_MB / 2);
    // The server is still fine.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('holds every JSON route to 64 KB, and assistant drafts to 512 KB', async () => {
    const padding = (bytes: number) => 'x'.repeat(bytes);
    const big = await api(server, admin, 'POST', '/agents', { email: 'big@demo.shop', name: padding(70 * 1024), password: 'correct horse battery' });
    expect([big.status, big.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);

    const { assistant } = (await api(server, admin, 'POST', '/assistants', { name: 'Large', languages: ['en'] })).body;
    const draft = (bytes: number) => ({ start: 'a', languages: ['en'], steps: [{ id: 'a', kind: 'end', message: { en: padding(bytes) } }] });
    // A draft far above the default limit is legitimate (saved even when invalid: its issues come back).
    const large = await api(server, admin, 'PUT', `/assistants/${assistant.id}/draft`, { definition: draft(300 * 1024) });
    expect(large.status).toBe(200);
    const tooLarge = await api(server, admin, 'PUT', `/assistants/${assistant.id}/draft`, { definition: draft(MAX_ASSISTANT_DRAFT_BYTES + 2048) });
    expect([tooLarge.status, tooLarge.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // The other assistant routes keep the default.
    const preview = await api(server, admin, 'POST', `/assistants/${assistant.id}/preview`, { cursor: padding(70 * 1024), input: { kind: 'start' }, locale: 'en' });
    expect([preview.status, preview.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});
