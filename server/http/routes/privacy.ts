import { z } from 'zod';
import { AppError, AuditLogPage, AuditLogQuery, ContactEraseBody, ContactEraseResult } from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import { auditActor } from '../audit-actor.ts';
import { apiRouter, defineRoute, jsonAnswer, jsonBody } from '../openapi/define.ts';
import { pathIdOr404 } from '../openapi/validation.ts';

/**
 * Privacy operations under /api/v1/admin (admins only: server/auth/policy.ts): a contact's export
 * (one JSON document, streamed) and erasure, and the audit log of admin actions.
 */
const tags = ['privacy'];
const EXPORT_SCHEMA: { type: 'object'; description: string } = { type: 'object', description: 'contact, visitors, conversations (with sessions and messages), attachments' };
const JSON_TYPE: string = 'application/json';
const ContactParams = z.object({ id: pathIdOr404('No such contact.') });

export const privacyApi = {
  exportContact: defineRoute({
    method: 'get',
    path: '/admin/contacts/{id}/export',
    tags,
    summary: 'Export everything stored about a contact (one JSON document, streamed, attachments in base64)',
    request: { params: ContactParams },
    // A plain schema under a widened media type: the handler streams the document rather than answering c.json().
    responses: { 200: { description: 'The contact, its visitors, conversations, sessions, messages and attachments (docs/widget/privacy.md).', content: { [JSON_TYPE]: { schema: EXPORT_SCHEMA } } } },
    'x-parley-errors': ['NOT_FOUND'],
  }),
  eraseContact: defineRoute({
    method: 'post',
    path: '/admin/contacts/{id}/erase',
    tags,
    summary: "Erase a contact (its id typed again in `confirm`); anonymous aggregates are kept",
    request: { params: ContactParams, body: jsonBody(ContactEraseBody) },
    responses: { 200: jsonAnswer(ContactEraseResult, 'Erased (again: the same erasedAt, zero counts).') },
    'x-parley-errors': ['NOT_FOUND', 'CONFLICT'],
  }),
  auditLog: defineRoute({
    method: 'get',
    path: '/admin/audit-log',
    tags,
    summary: 'The audit log of admin actions, newest first (page with `before`)',
    request: { query: AuditLogQuery },
    responses: { 200: jsonAnswer(AuditLogPage, 'A page of entries and the cursor of the next one.') },
  }),
};

export function privacyRoutes(services: Services) {
  const app = apiRouter();
  const { privacy, audit } = services;

  app.openapi(privacyApi.exportContact, async (c) => {
    const { id } = c.req.valid('param');
    const chunks = (await privacy.exportContact(id, auditActor(c)))[Symbol.asyncIterator]();
    // Pulled chunk by chunk as the download drains; a closed download cancels the stream and stops reading the history.
    const body = new ReadableStream<string>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return?.();
      },
    }).pipeThrough(new TextEncoderStream());
    return c.body(body, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="contact-${id}.json"`,
      'Cache-Control': 'no-store',
    });
  });

  app.openapi(privacyApi.eraseContact, async (c) => {
    const { id } = c.req.valid('param');
    const { confirm } = c.req.valid('json');
    if (confirm !== id) throw new AppError('VALIDATION_FAILED', 'Type the contact id to confirm the erasure.', [{ path: 'confirm', message: 'Must be the contact id.' }]);
    return c.json(await privacy.eraseContact(id, auditActor(c)), 200);
  });

  app.openapi(privacyApi.auditLog, async (c) => c.json(await audit.page(c.req.valid('query')), 200));

  return app;
}
