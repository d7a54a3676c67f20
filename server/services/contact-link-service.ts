import { AppError, type Contact } from '../../protocol/index.ts';
import { must } from '../db/must.ts';
import { contactById, toContact } from '../db/stores/contacts-store.ts';
import { moveXContacts, xContactsOf } from '../db/stores/x-contacts-store.ts';
import { moveConversations } from '../db/stores/x-public-store.ts';
import type { RecordAudit } from './audit.ts';
import type { AgentIdentity } from './agent-service.ts';
import type { ServiceDeps } from './deps.ts';
import type { RoutingService } from './routing-service.ts';

/**
 * Linking an X contact to an existing contact (issue 19 item 6, seed 000: "Genesys Social Engagement
 * identifies the contact and compares it to the customers already in the contact database"). The X
 * user ids then point at the existing contact and the X conversations move to it, so the Conversation
 * tab and the Communication list show one history across web and X. The emptied X contact stays (no
 * conversation points at it any more). Recorded in the audit log, in the same transaction.
 */
export interface ContactLinkDeps extends ServiceDeps {
  routing: RoutingService;
  audit: RecordAudit;
}

export function createContactLinkService({ db, publisher, routing, audit }: ContactLinkDeps) {
  async function link(actor: AgentIdentity, input: { contactId: string; intoContactId: string }): Promise<{ contact: Contact }> {
    if (input.contactId === input.intoContactId) throw new AppError('VALIDATION_FAILED', 'A contact cannot be linked to itself.');
    const into = await routing.run(async (tx, notes) => {
      const from = must(await contactById(tx, input.contactId), 'NOT_FOUND', 'No such contact.');
      const target = await contactById(tx, input.intoContactId);
      // Another website's contact is as good as none: nothing about it is revealed.
      if (!target || target.websiteId !== from.websiteId || target.erasedAt) throw new AppError('NOT_FOUND', 'No such contact on this website.');
      const xUsers = await xContactsOf(tx, from.id);
      if (!xUsers.length) throw new AppError('VALIDATION_FAILED', 'Only a contact that came from X can be linked to another one.');
      await moveXContacts(tx, from.id, target.id);
      const moved = await moveConversations(tx, from.id, target.id);
      await audit(tx, { agentId: actor.id, name: actor.name, ip: null }, {
        action: 'contact.link',
        targetType: 'contact',
        targetId: target.id,
        changes: { linkedContactId: from.id, xUserIds: xUsers.map((u) => u.xUserId), conversations: moved.length },
      });
      for (const conversationId of moved) notes.push({ kind: 'conversation', conversationId });
      return target;
    });
    const contact = await toContact(db, into);
    publisher.contactUpdated(contact, into.websiteId);
    return { contact };
  }

  return { link };
}
export type ContactLinkService = ReturnType<typeof createContactLinkService>;
