import { LoginResponse, MeResponse, type AgentProfile, type LoginBody } from '../../protocol/index.ts';
import type { z } from 'zod';
import { ApiError } from './api-error.ts';

/** Same-origin JSON calls to `/api/v1`; the session lives in the HttpOnly cookie. */
const BASE = '/api/v1';

/** One JSON call: `{ error }` bodies become ApiError; answers are parsed with the protocol schema. */
export async function apiRequest<S extends z.ZodType>(method: string, path: string, schema: S | null, body?: unknown): Promise<z.output<S>> {
  let response: Response;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError('UNAVAILABLE', error instanceof Error ? error.message : undefined);
  }
  const payload: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const wire = payload && typeof payload === 'object' && 'error' in payload ? payload.error : null;
    throw wire ? ApiError.fromWire(wire, response.status) : new ApiError(response.status >= 500 ? 'UNAVAILABLE' : 'BAD_REQUEST', undefined, response.status);
  }
  if (!schema) return undefined as z.output<S>;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new ApiError('INTERNAL', 'Unexpected answer from the server.', response.status);
  return parsed.data;
}

export async function login(body: LoginBody): Promise<AgentProfile> {
  return (await apiRequest('POST', '/auth/login', LoginResponse, body)).agent;
}

export async function logout(): Promise<void> {
  await apiRequest('POST', '/auth/logout', null);
}

/** The logged-in agent, or null when there is no valid session (401). */
export async function me(): Promise<AgentProfile | null> {
  try {
    return (await apiRequest('GET', '/auth/me', MeResponse)).agent;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}
