import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createErrorHandler } from '../errors.ts';
import { apiRouter, defineRoute, jsonAnswer, jsonBody } from './define.ts';
import { patchOf, pathIdOr404 } from './validation.ts';

/**
 * The one validation hook and its helpers, through a small router: what a client sends that does
 * not fit is answered with the API's typed errors, and a PATCH changes only what it sends.
 */
const Thing = z.object({ name: z.string().min(1), colour: z.enum(['red', 'blue']).default('red'), size: z.number().int().optional() });

function router() {
  const app = apiRouter();
  app.onError(createErrorHandler(pino({ enabled: false })));
  const create = defineRoute({ method: 'post', path: '/things', request: { body: jsonBody(Thing) }, responses: { 201: jsonAnswer(Thing, 'Created.') } });
  const change = defineRoute({
    method: 'patch',
    path: '/things/{id}',
    request: { params: z.object({ id: pathIdOr404('No such thing.') }), body: jsonBody(patchOf(Thing)) },
    responses: { 200: jsonAnswer(z.object({ id: z.string(), patch: z.record(z.string(), z.unknown()) }), 'Changed.') },
  });
  app.openapi(create, (c) => c.json(c.req.valid('json'), 201));
  app.openapi(change, (c) => c.json({ id: c.req.valid('param').id, patch: c.req.valid('json') }, 200));
  return app;
}

const ID = '6f1c7a52-8d0e-4a4b-9d55-0b2c4f1e9a10';
const send = (method: string, path: string, body?: string) =>
  router().request(path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body });

describe('request validation', () => {
  it('answers a missing or malformed JSON body with 400 BAD_REQUEST', async () => {
    for (const body of [undefined, '', '{nope']) {
      const res = await send('POST', '/things', body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST', message: 'The body is not valid JSON.' } });
    }
  });

  it('answers a body of the wrong shape with 400 VALIDATION_FAILED naming the fields', async () => {
    const res = await send('POST', '/things', JSON.stringify({ name: '', size: 1.5 }));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => d.path).sort()).toEqual(['name', 'size']);
  });

  it('hands the handler the parsed body, defaults filled in', async () => {
    const res = await send('POST', '/things', JSON.stringify({ name: 'kettle' }));
    expect([res.status, await res.json()]).toEqual([201, { name: 'kettle', colour: 'red' }]);
  });

  it('answers a path id that is not a UUID like an unknown one: 404 NOT_FOUND', async () => {
    const res = await send('PATCH', '/things/not-a-uuid', JSON.stringify({ name: 'x' }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No such thing.' } });
  });

  it('keeps only the fields a PATCH sends (no default resets the others), and refuses an empty or unknown one', async () => {
    const res = await send('PATCH', `/things/${ID}`, JSON.stringify({ size: 3 }));
    expect(await res.json()).toEqual({ id: ID, patch: { size: 3 } });
    for (const body of ['{}', '{"weight":1}', '[]', '"name"']) {
      const refused = await send('PATCH', `/things/${ID}`, body);
      expect(refused.status, body).toBe(400);
      expect(await refused.json(), body).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
  });
});
