import type { z } from 'zod';

/**
 * The one place requests to the X API v2 go through (issue 19): base URL (`X_API_BASE_URL`, the fake in
 * tests and the demo), bearer token, JSON in and out, X's problem JSON turned into `XApiError`, and
 * the rate-limit headers read on every answer. The endpoint modules beside this one (dm, posts, media,
 * webhooks, oauth) each declare their paths and parse answers with their zod schemas.
 */
export interface XHttpOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per request; X answers within seconds, a hung connection must not hold the outbound queue. */
  timeoutMs?: number;
}

export interface XRateLimit {
  limit: number | null;
  remaining: number | null;
  /** When the window resets (from `x-rate-limit-reset`, epoch seconds). */
  resetAt: Date | null;
}

/** An answer X refused: `status` and X's problem `type`/`title`/`detail`; `rateLimit` on 429s. */
export class XApiError extends Error {
  constructor(
    readonly status: number,
    readonly problemType: string | null,
    readonly title: string,
    readonly detail: string | null,
    readonly rateLimit: XRateLimit,
  ) {
    super(`X API ${status}: ${title}${detail ? ` (${detail})` : ''}`);
    this.name = 'XApiError';
  }
  get rateLimited(): boolean {
    return this.status === 429;
  }
  /** 401: the access token expired or was revoked (refresh, then reconnect). */
  get unauthorized(): boolean {
    return this.status === 401;
  }
  /** Worth retrying later as is: limits, X's own failures. A 4xx other than 408/429 never is. */
  get retryable(): boolean {
    return this.status === 429 || this.status === 408 || this.status >= 500;
  }
}

export interface XRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  /** JSON body, or a form (`URLSearchParams`, OAuth token endpoint), or multipart (`FormData`, media). */
  body?: unknown;
  /** `Bearer <token>` (user or app-only), or a full Authorization header value (Basic for the token endpoint). */
  bearer?: string;
  authorization?: string;
}

export interface XResponse<T> {
  data: T;
  status: number;
  rateLimit: XRateLimit;
}

export interface XHttp {
  readonly baseUrl: string;
  request<S extends z.ZodType>(req: XRequest, schema: S): Promise<XResponse<z.infer<S>>>;
}

export function readRateLimit(headers: Headers): XRateLimit {
  const num = (name: string) => {
    const v = headers.get(name);
    const n = v === null ? NaN : Number(v);
    return Number.isFinite(n) ? n : null;
  };
  const reset = num('x-rate-limit-reset');
  return { limit: num('x-rate-limit-limit'), remaining: num('x-rate-limit-remaining'), resetAt: reset === null ? null : new Date(reset * 1000) };
}

export function createXHttp(options: XHttpOptions): XHttp {
  const doFetch = options.fetch ?? fetch;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function request<S extends z.ZodType>(req: XRequest, schema: S): Promise<XResponse<z.infer<S>>> {
    const url = new URL(baseUrl + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (req.bearer) headers.authorization = `Bearer ${req.bearer}`;
    if (req.authorization) headers.authorization = req.authorization;
    let body: BodyInit | undefined;
    if (req.body instanceof URLSearchParams || req.body instanceof FormData) body = req.body;
    else if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    const res = await doFetch(url, { method: req.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const rateLimit = readRateLimit(res.headers);
    const text = await res.text();
    const json = parseJson(text);
    if (!res.ok) throw problemOf(res.status, json, rateLimit);
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new XApiError(502, null, 'Unexpected answer from X', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), rateLimit);
    return { data: parsed.data, status: res.status, rateLimit };
  }

  return { baseUrl, request };
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** X's problem JSON (`{title, detail, type}`), the OAuth error shape (`{error, error_description}`), or nothing. */
function problemOf(status: number, json: unknown, rateLimit: XRateLimit): XApiError {
  const o = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const firstError = Array.isArray(o.errors) ? (o.errors[0] as Record<string, unknown> | undefined) : undefined;
  const title = str(o.title) ?? str(o.error) ?? str(firstError?.title) ?? str(firstError?.message) ?? `HTTP ${status}`;
  const detail = str(o.detail) ?? str(o.error_description) ?? str(firstError?.detail) ?? null;
  return new XApiError(status, str(o.type) ?? str(firstError?.type), title, detail, rateLimit);
}
