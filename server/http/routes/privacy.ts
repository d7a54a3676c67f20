import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { AppError, AuditLogQuery, ContactEraseBody, Uuid } from '../../../protocol/index.ts';
import type { Services } from '../../services/index.ts';
import { auditActor } from '../audit-actor.ts';
import { appErrorFromZod, jsonBody } from '../errors.ts';

/**
 * Privacy operations under /api/v1/admin (admins only: server/auth/policy.ts): a contact's export
 * (one JSON document, streamed) and erasure, and the audit log of admin actions.
 */
const contactId = (c: Context) => {
  const r = Uuid.safeParse(c.req.param('id'));
  if (!r.success) throw new AppError('NOT_FOUND', 'No such contact.');
  return r.data;
};

export function privacyRoutes(services: Services) {
  const app = new Hono();
  const { privacy, audit } = services;

  app.get('/admin/contacts/:id/export', async (c) => {
    const id = contactId(c);
    const chunks = await privacy.exportContact(id, auditActor(c));
    c.header('Content-Type', 'application/json; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="contact-${id}.json"`);
    c.header('Cache-Control', 'no-store');
    return stream(c, async (out) => {
      for await (const chunk of chunks) {
        // The admin closed the download: stop reading the history.
        if (out.aborted) break;
        await out.write(chunk);
      }
    });
  });

  app.post('/admin/contacts/:id/erase', async (c) => {
    const id = contactId(c);
    const { confirm } = await jsonBody(c, ContactEraseBody);
    if (confirm !== id) throw new AppError('VALIDATION_FAILED', 'Type the contact id to confirm the erasure.', [{ path: 'confirm', message: 'Must be the contact id.' }]);
    return c.json(await privacy.eraseContact(id, auditActor(c)));
  });

  app.get('/admin/audit-log', async (c) => {
    const parsed = AuditLogQuery.safeParse(c.req.query());
    if (!parsed.success) throw appErrorFromZod(parsed.error);
    return c.json(await audit.page(parsed.data));
  });

  return app;
}
