import type { Context } from 'hono';

// X answers errors on /2 endpoints as RFC 7807 problems (application/problem+json). The 401 and 429 bodies
// are the generic "about:blank" ones X really sends; the others carry X's problem types.
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 429;

const PROBLEMS = 'https://api.x.com/2/problems/';

export interface Problem {
  title: string;
  detail: string;
  type: string;
  status?: number;
  [extra: string]: unknown;
}

export function problem(c: Context, status: ProblemStatus, body: Problem): Response {
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' });
}

export const invalidRequest = (c: Context, detail: string, errors?: Array<{ message: string; parameters?: Record<string, string[]> }>) =>
  problem(c, 400, {
    title: 'Invalid Request',
    detail,
    type: `${PROBLEMS}invalid-request`,
    ...(errors ? { errors } : {}),
  });

export const unauthorized = (c: Context) =>
  problem(c, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });

export const forbidden = (c: Context, detail: string) =>
  problem(c, 403, { title: 'Forbidden', type: 'about:blank', status: 403, detail });

export const clientForbidden = (c: Context, detail: string) =>
  problem(c, 403, {
    title: 'Client Forbidden',
    detail,
    type: `${PROBLEMS}client-forbidden`,
    reason: 'client-not-enrolled',
    registration_url: 'https://developer.x.com/en/portal/product',
  });

export const unsupportedAuthentication = (c: Context, detail: string) =>
  problem(c, 403, { title: 'Unsupported Authentication', detail, type: `${PROBLEMS}unsupported-authentication`, status: 403 });

export const notAuthorizedForResource = (c: Context, detail: string, resourceType: string, resourceId: string) =>
  problem(c, 403, {
    title: 'Forbidden',
    detail,
    type: `${PROBLEMS}not-authorized-for-resource`,
    resource_type: resourceType,
    resource_id: resourceId,
    section: 'data',
    parameter: 'id',
    value: resourceId,
  });

export const notFound = (c: Context, resourceType: 'user' | 'tweet' | 'media', parameter: string, value: string) =>
  problem(c, 404, {
    title: 'Not Found Error',
    detail: `Could not find ${resourceType} with ${parameter}: [${value}].`,
    type: `${PROBLEMS}resource-not-found`,
    parameter,
    value,
    resource_id: value,
    resource_type: resourceType,
  });

export const conflict = (c: Context, detail: string) => problem(c, 409, { title: 'Conflict', detail, type: `${PROBLEMS}conflict` });

export const tooManyRequests = (c: Context) =>
  problem(c, 429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });

/** A partial error as X puts it beside (or instead of) `data` on a 200 lookup. */
export const resourceNotFoundError = (resourceType: 'user' | 'tweet' | 'media', parameter: string, value: string) => ({
  value,
  detail: `Could not find ${resourceType} with ${parameter}: [${value}].`,
  title: 'Not Found Error',
  resource_type: resourceType,
  parameter,
  resource_id: value,
  type: `${PROBLEMS}resource-not-found`,
});
