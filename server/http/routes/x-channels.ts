import { z } from 'zod';
import { XAccountAnswer, XAccountList, XCallbackQuery, XCapabilitiesPatch, XConnectAnswer, XConnectBody } from '../../../protocol/index.ts';
import type { Limits } from '../../limits/limits.ts';
import type { Services } from '../../services/index.ts';
import { auditActor, clientAddressOf } from '../audit-actor.ts';
import { Ok } from '../openapi/answers.ts';
import { apiRouter, defineRoute, jsonAnswer, jsonBody } from '../openapi/define.ts';
import { pathIdOr404 } from '../openapi/validation.ts';

/**
 * Admin › Channels, the X side (issue 19; docs/channels/x.md), under /api/v1/channels/x: the connected accounts,
 * connecting one (the authorize URL), re-validating the webhook, the plan's capabilities, disconnecting; admins
 * only. And the OAuth callback X redirects the admin's browser to: public, since the admin's SameSite=Strict
 * cookie does not come along on a redirect from x.com; the pending authorization is found by `state`, single use.
 */
const tags = ['channels'];
const AccountParams = z.object({ id: pathIdOr404('No such X account.') });
/** Where the desktop shows the callback's result (Admin › Channels reads `x_connect` and `reason`). */
export const DESKTOP_CHANNELS_PATH = '/desktop/';

export const xChannelsApi = {
  list: defineRoute({
    method: 'get',
    path: '/channels/x/accounts',
    tags,
    summary: 'The X accounts connected to websites, with their state',
    responses: { 200: jsonAnswer(XAccountList, 'Whether this server has an X app, and the accounts.') },
  }),
  connect: defineRoute({
    method: 'post',
    path: '/channels/x/connect',
    tags,
    summary: 'Start connecting an X account to a website: the X authorization URL to send the admin to (valid 10 minutes)',
    request: { body: jsonBody(XConnectBody) },
    responses: { 200: jsonAnswer(XConnectAnswer, 'Open this URL in the admin\'s browser.') },
    'x-parley-errors': ['UNKNOWN_WEBSITE', 'CONFLICT'],
  }),
  disconnect: defineRoute({
    method: 'delete',
    path: '/channels/x/accounts/{id}',
    tags,
    summary: 'Disconnect an X account: its subscriptions at X are removed, its tokens revoked and forgotten',
    request: { params: AccountParams },
    responses: { 200: jsonAnswer(Ok, 'Disconnected.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
  revalidate: defineRoute({
    method: 'post',
    path: '/channels/x/accounts/{id}/webhook/revalidate',
    tags,
    summary: 'Ask X to check the webhook again (CRC), or register it when there is none; the account as it is then',
    request: { params: AccountParams },
    responses: { 200: jsonAnswer(XAccountAnswer, 'The account; `webhook.valid` and `lastError` say how it went.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
  capabilities: defineRoute({
    method: 'patch',
    path: '/channels/x/accounts/{id}/capabilities',
    tags,
    summary: "Set what the account's X plan allows: likes, replies to posts that did not mention the brand (Enterprise)",
    request: { params: AccountParams, body: jsonBody(XCapabilitiesPatch) },
    responses: { 200: jsonAnswer(XAccountAnswer, 'Saved.') },
    'x-parley-errors': ['NOT_FOUND'],
  }),
  callback: defineRoute({
    method: 'get',
    path: '/channels/x/callback',
    tags,
    summary: 'OAuth 2.0 redirect target of X (public): connects the account, then redirects to the desktop with the result',
    request: { query: XCallbackQuery },
    responses: { 302: { description: 'To the desktop: `?x_connect=connected`, or `?x_connect=error&reason=<why>`.' } },
  }),
};

export function xChannelsRoutes(services: Services, limits: Limits) {
  const app = apiRouter();
  const x = services.xAccounts;

  app.openapi(xChannelsApi.list, async (c) => c.json(await x.list(), 200));

  app.openapi(xChannelsApi.connect, async (c) => {
    const { websiteId } = c.req.valid('json');
    return c.json(await x.startConnect(websiteId, auditActor(c).agentId), 200);
  });

  app.openapi(xChannelsApi.disconnect, async (c) => {
    await x.disconnect(c.req.valid('param').id, auditActor(c));
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(xChannelsApi.revalidate, async (c) => c.json({ account: await x.revalidateWebhook(c.req.valid('param').id) }, 200));

  app.openapi(xChannelsApi.capabilities, async (c) => {
    const account = await x.setCapabilities(c.req.valid('param').id, c.req.valid('json'), auditActor(c));
    return c.json({ account }, 200);
  });

  app.openapi(xChannelsApi.callback, async (c) => {
    const q = c.req.valid('query');
    // Public: a bounded number per address (an admin connecting an account calls it once).
    await limits.xCallback(limits.addressOfRequest(c));
    const result = await x.completeCallback({ state: q.state, code: q.code, error: q.error, ip: clientAddressOf(c) });
    const params = new URLSearchParams(result.ok ? { x_connect: 'connected' } : { x_connect: 'error', reason: result.reason });
    // The code and state are spent: nothing of them goes into the desktop's address bar or a Referer.
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
    return c.redirect(`${DESKTOP_CHANNELS_PATH}?${params}`, 302);
  });

  return app;
}
