import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { backends } from '../../db/test-backends.ts';
import type { RunningServer } from '../../main.ts';
import { api, loginCookie, startTestServer } from '../../testing/test-kit.ts';

describe.each(backends)('assistant drafts on $name', (backend) => {
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

  it('refuses a draft nested 100,000 levels deep with VALIDATION_FAILED and keeps the stored one', async () => {
    const { assistant } = (await api(server, admin, 'POST', '/assistants', { name: 'Deep', languages: ['en'] })).body;
    const good = { start: 'a', languages: ['en'], steps: [{ id: 'a', kind: 'end', message: { en: 'Bye' } }] };
    expect((await api(server, admin, 'PUT', `/assistants/${assistant.id}/draft`, { definition: good })).status).toBe(200);

    const levels = 100_000;
    // 200 KB: within the drafts' body limit, so only the depth can refuse it.
    const body = `{"definition":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    const res = await fetch(`${server.url}/api/v1/assistants/${assistant.id}/draft`, { method: 'PUT', headers: { cookie: admin, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: 'definition', message: 'Nested deeper than 32 levels.' }] } });

    expect((await api(server, admin, 'GET', `/assistants/${assistant.id}`)).body.draft).toMatchObject(good);
  });
});
