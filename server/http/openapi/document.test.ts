import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { backends } from '../../db/test-backends.ts';
import type { RunningServer } from '../../main.ts';
import { startTestServer } from '../../testing/test-kit.ts';
import { isHandlerRoute } from '../authorize.ts';
import { API_DOCUMENT_PATH, honoPath } from './document.ts';

/**
 * The OpenAPI document describes exactly the routes the app mounts, is what the server serves
 * and what docs/api/openapi.json holds (`npm run docs:generate`), and is well-formed OpenAPI 3.1.
 */
const COMMITTED = new URL('../../../docs/api/openapi.json', import.meta.url);
/** Mounted but not the API: the static bundles and the demo (server/http/static.ts). */
const NOT_API = ['GET /', 'GET /demo', 'GET /desktop', 'GET /desktop/*'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Operation = { responses?: Record<string, unknown>; parameters?: { name: string; in: string }[]; [key: string]: unknown };
type Document = { openapi: string; info: { title?: string; version?: string }; paths: Record<string, Record<string, Operation>>; components?: Record<string, Record<string, unknown>> };

describe('the OpenAPI document', () => {
  let database: Database;
  let server: RunningServer;
  let served: Document;
  let response: Response;

  beforeAll(async () => {
    database = await backends[0]!.open();
    server = await startTestServer(database);
    response = await fetch(`${server.url}${API_DOCUMENT_PATH}`);
    served = (await response.json()) as Document;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('is served publicly and cacheably, and equals the committed docs/api/openapi.json', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/public/);
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8')) as Document;
    expect(committed, 'docs/api/openapi.json is stale: run `npm run docs:generate` and commit the result').toEqual(served);
  });

  it('documents every route the app mounts, and no route that is not mounted', () => {
    const mounted = new Set(server.app.routes.filter(isHandlerRoute).map((r) => `${r.method} ${r.path}`));
    for (const key of NOT_API) expect(mounted, `${key} (not the API) is no longer mounted: update NOT_API`).toContain(key);
    const documented = new Set(Object.entries(served.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${honoPath(path)}`)));
    const api = [...mounted].filter((key) => !NOT_API.includes(key));
    expect(api.filter((key) => !documented.has(key)), 'mounted but undocumented (declare them with defineRoute + app.openapi)').toEqual([]);
    expect([...documented].filter((key) => !mounted.has(key)), 'documented but not mounted').toEqual([]);
  });

  it('is well-formed OpenAPI 3.1: operations with answers, declared path parameters, every $ref resolving', () => {
    expect(served.openapi).toMatch(/^3\.1\.\d+$/);
    expect(served.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    for (const [path, operations] of Object.entries(served.paths)) {
      expect(path, path).toMatch(/^\//);
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(METHODS, where).toContain(method);
        expect(Object.keys(operation.responses ?? {}).length, `${where} has no responses`).toBeGreaterThan(0);
        for (const status of Object.keys(operation.responses!)) expect(status, where).toMatch(/^([1-5]\d\d|[1-5]XX|default)$/);
        const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort();
        expect(pathParams, `${where}: path parameters`).toEqual(inPath);
        expect(operation['x-parley-auth'], `${where}: who may call it`).toEqual(expect.any(String));
        expect(operation['x-parley-errors'], `${where}: the error codes it answers`).toEqual(expect.any(Array));
      }
    }
    const refs = [...JSON.stringify(served).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(resolve(served, ref), `${ref} does not resolve`).toBeDefined();
  });

  it('says who may call each operation and how it authenticates, from the authorization table', () => {
    const websites = served.paths['/api/v1/websites']!;
    expect(websites['get']).toMatchObject({ 'x-parley-auth': 'staff', 'x-parley-roles': ['supervisor', 'admin'], security: [{ sessionCookie: [] }] });
    expect(websites['post']).toMatchObject({ 'x-parley-roles': ['admin'], 'x-parley-csrf': true });
    expect(served.paths['/api/v1/auth/login']!['post']).toMatchObject({ 'x-parley-auth': 'public', security: [] });
    expect(served.paths['/api/v1/attachments']!['post']).toMatchObject({ security: [{ sessionCookie: [] }, { visitorToken: [] }] });
    expect(served.paths['/api/v1/attachments']!['post']!['requestBody']).toMatchObject({ content: { 'multipart/form-data': { schema: { required: ['file'] } } } });
    expect(served.paths['/api/v1/webhooks/{id}']!['patch']!.responses!['404']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } });
  });
});

/** A local JSON pointer (`#/components/schemas/X`) into the document. */
function resolve(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), document);
}
