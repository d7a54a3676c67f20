import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../../protocol/index.ts';
import { REST_POLICY, restKey, type Rule } from '../../auth/policy.ts';
import { SESSION_COOKIE } from '../../services/auth-service.ts';
import { ErrorBody } from './answers.ts';

/**
 * The OpenAPI 3.1 description of the REST API, served at GET /api/v1/openapi.json and committed
 * as docs/api/openapi.json (`npm run docs:generate`). The routes' own declarations (createRoute:
 * paths, params, bodies, answers, their handlers' error codes) give the operations; this adds
 * what is decided elsewhere, so that it is written once: who may call (the authorization table,
 * server/auth/policy.ts), how they authenticate, CSRF, and the errors the shared middleware
 * answers (limits, body limits, validation).
 */
type Operation = {
  description?: string;
  parameters?: { in: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
  'x-parley-errors'?: ErrorCode[];
  [extension: `x-${string}`]: unknown;
};
type Document = { paths: Record<string, Record<string, Operation>>; components?: Record<string, Record<string, unknown>> };

export const API_DOCUMENT_PATH = '/api/v1/openapi.json';

const INFO = {
  title: 'Parley REST API',
  version: '1',
  description: [
    'The HTTP side of Parley. Realtime (messages, typing, offers…) goes over Socket.IO: docs/api/socket-events.md.',
    '',
    'Errors are always `{ "error": { "code", "message", "details"?, "retryAfterMs"? } }` (the `ErrorBody` schema); the codes are in docs/api/errors.md. Each operation lists the codes it can answer, by status, and in `x-parley-errors`.',
    '',
    'Who may call an operation is in `x-parley-auth` (public, staff, visitor-or-staff, bearer-token) and `x-parley-roles` (the agent roles admitted), from the authorization table (server/auth/policy.ts).',
    '',
    `CSRF: state-changing calls authenticated by the session cookie must send \`Content-Type: application/json\` and, from a browser, come from the server's own origin (\`Origin\`/\`Sec-Fetch-Site\`); \`x-parley-csrf\` marks them.`,
  ].join('\n'),
};

const SECURITY_SCHEMES = {
  sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The agent desktop session, set by POST /api/v1/auth/login (HttpOnly, SameSite=Strict).' },
  visitorToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A visitor token, as the widget's socket received it." },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when the server is configured with one.' },
  xSignature: { type: 'apiKey', in: 'header', name: 'x-twitter-webhooks-signature', description: 'X signs what it posts: `sha256=` + base64 HMAC-SHA256 of the raw body with the X app\'s consumer secret (X_CONSUMER_SECRET).' },
};

const documents = new WeakMap<OpenAPIHono, object>();

/** The document of an app (built once per app: its routes do not change once mounted). */
export function apiDocument(app: OpenAPIHono): object {
  let document = documents.get(app);
  if (!document) documents.set(app, (document = buildApiDocument(app)));
  return document;
}

function buildApiDocument(app: OpenAPIHono): object {
  const document = app.getOpenAPI31Document({ openapi: '3.1.0', info: INFO }) as unknown as Document;
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) describeAccess(operation, method.toUpperCase(), path);
  }
  const { $schema: _, ...errorBody } = z.toJSONSchema(ErrorBody, { target: 'draft-2020-12' }) as Record<string, unknown>;
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ErrorBody: errorBody }, securitySchemes: SECURITY_SCHEMES };
  return document;
}

/** Hono's path of an OpenAPI path: `/x/{id}` → `/x/:id`. */
export const honoPath = (openApiPath: string) => openApiPath.replace(/\{([^}]+)\}/g, ':$1');

function describeAccess(operation: Operation, method: string, path: string): void {
  const rule = REST_POLICY[restKey(method, honoPath(path))];
  if (!rule) throw new Error(`${method} ${path} is documented but has no entry in the authorization table (server/auth/policy.ts).`);
  const cookie = rule.auth === 'staff' || rule.auth === 'visitor-or-staff';
  const csrf = cookie && method !== 'GET' && path.startsWith('/api/v1/');
  operation['x-parley-auth'] = rule.auth;
  if ('roles' in rule) operation['x-parley-roles'] = [...rule.roles];
  if (csrf) operation['x-parley-csrf'] = true;
  operation.security = securityOf(rule);
  const codes = new Set<ErrorCode>([...derivedErrors(operation, rule, path, csrf), ...(operation['x-parley-errors'] ?? [])]);
  operation['x-parley-errors'] = [...codes].sort();
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of operation['x-parley-errors']) byStatus.set(ERROR_CODES[code].status, [...(byStatus.get(ERROR_CODES[code].status) ?? []), code]);
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    operation.responses[String(status)] ??= {
      description: statusCodes.join(', '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    };
  }
}

function securityOf(rule: Rule): Record<string, string[]>[] {
  switch (rule.auth) {
    case 'public':
      return [];
    case 'staff':
      return [{ sessionCookie: [] }];
    case 'visitor-or-staff':
      return [{ sessionCookie: [] }, { visitorToken: [] }];
    case 'bearer-token':
      return [{ metricsToken: [] }, {}];
    case 'visitor':
      return [{ visitorToken: [] }];
    case 'signed-webhook':
      return [{ xSignature: [] }];
  }
}

/** The codes the shared middleware can answer on this operation (server/http/app.ts, authorize.ts, the validation hook). */
function derivedErrors(operation: Operation, rule: Rule, path: string, csrf: boolean): ErrorCode[] {
  const codes: ErrorCode[] = [];
  if (path.startsWith('/api/')) codes.push('RATE_LIMITED');
  if (rule.auth === 'staff' || rule.auth === 'visitor-or-staff') codes.push('UNAUTHENTICATED', 'FORBIDDEN');
  if (rule.auth === 'visitor-or-staff') codes.push('TOKEN_INVALID', 'TOKEN_REVOKED');
  if (rule.auth === 'signed-webhook' && operation.requestBody === undefined && !operation.parameters?.some((p) => p.in === 'query')) codes.push('PAYLOAD_TOO_LARGE');
  if (csrf) codes.push('ORIGIN_NOT_ALLOWED', 'UNSUPPORTED_MEDIA_TYPE');
  const body = operation.requestBody?.content;
  if (body) codes.push('PAYLOAD_TOO_LARGE');
  if (body && 'application/json' in body) codes.push('BAD_REQUEST', 'VALIDATION_FAILED');
  if (operation.parameters?.some((p) => p.in === 'query')) codes.push('VALIDATION_FAILED');
  return codes;
}
