import { errors, jwtVerify } from 'jose';
import { AppError, type IdentifyResult, type IdentityClaims } from '../../protocol/index.ts';
import { contactFieldsFrom, mergeAttributes, parseIdentityClaims } from '../core/identity-token.ts';
import { contactById, toContact } from '../db/stores/contacts-store.ts';
import { conversationOfContact } from '../db/stores/conversations-store.ts';
import {
  adoptConversation,
  createVisitorFor,
  deleteContactIfUnused,
  lockContact,
  lockContactThread,
  lockVisitor,
  moveVisitor,
  setContactAttributes,
  upsertVerifiedContact,
} from '../db/stores/identity-store.ts';
import { revokeVisitorTokens, visitorById } from '../db/stores/visitors-store.ts';
import { websiteById } from '../db/stores/websites-store.ts';
import type { ContactRow, VisitorRow } from '../db/schema.ts';
import type { Tx } from '../db/client.ts';
import type { ServiceDeps } from './deps.ts';
import type { Note } from './routing-notes.ts';
import type { RoutingService } from './routing-service.ts';
import type { VisitorContext } from './visitor-service.ts';

/** Plenty for custom data shown to agents, bounded so one browser cannot bloat a contact row. */
export const MAX_CONTACT_ATTRIBUTES = 100;

const invalid = (message: string) => new AppError('IDENTITY_INVALID', message);

/**
 * Verified identity, custom attributes and logout for a visitor socket (issue 6).
 * `identify` links this browser to the contact whose external id is the JWT's `sub`:
 * every browser of that user then shares the contact's one conversation. It mutates `ctx`
 * only after commit, so a refused JWT leaves the socket exactly as it was.
 */
export function createIdentityService({ db, clock, tokens, credentials, publisher, routing }: ServiceDeps & { routing: RoutingService }) {
  /** Signature with the website's current secret (HS256 only), then core's claim rules. */
  async function verify(jwt: string, secret: string): Promise<IdentityClaims> {
    try {
      const { payload } = await jwtVerify(jwt, new TextEncoder().encode(secret), { algorithms: ['HS256'], currentDate: clock.now() });
      return parseIdentityClaims(payload as Record<string, unknown>, clock);
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired) throw invalid('The identity token has expired.');
      if (err instanceof errors.JOSEAlgNotAllowed) throw invalid('The identity token must be signed with HS256.');
      if (err instanceof errors.JWSSignatureVerificationFailed) throw invalid("The identity token is not signed with this website's identity secret.");
      if (err instanceof errors.JWTClaimValidationFailed) throw invalid(`The identity token's ${err.claim} claim is invalid.`);
      throw invalid('The identity token is malformed.');
    }
  }

  /**
   * Which browser row acts for the contact. This browser anonymous → its row moves to the contact
   * (and, if the contact has no conversation yet, its anonymous thread comes along: same browser,
   * the user just signed in). No row yet, or a row of another verified user → a new row.
   */
  async function bindBrowser(tx: Tx, ctx: VisitorContext, contact: ContactRow, notes: Note[]): Promise<VisitorRow> {
    const current = ctx.visitor ? await lockVisitor(tx, ctx.visitor.id) : null;
    if (current?.contactId === contact.id) return current;
    const previous = current ? await contactById(tx, current.contactId) : null;
    if (!current || !previous || previous.externalId !== null) {
      // Another user signed in on this browser: the previous user's tokens here are retired.
      if (current) await revokeVisitorTokens(tx, current.id);
      return createVisitorFor(tx, ctx.website.id, contact.id);
    }
    const moved = await moveVisitor(tx, current.id, contact.id);
    await lockContactThread(tx, contact.id);
    const anonymousThread = await conversationOfContact(tx, ctx.website.id, previous.id);
    if (anonymousThread && !(await conversationOfContact(tx, ctx.website.id, contact.id))) {
      await adoptConversation(tx, anonymousThread.id, previous.id, contact.id);
      // What the anonymous visitor told a bot before signing in stays with them; the site's values win.
      await setContactAttributes(tx, contact.id, { ...previous.attributes, ...contact.attributes });
      await deleteContactIfUnused(tx, previous.id);
      notes.push({ kind: 'conversation', conversationId: anonymousThread.id });
    }
    return moved;
  }

  async function identify(ctx: VisitorContext, jwt: string): Promise<IdentifyResult> {
    // Re-read: an admin may have set or rotated the secret since this socket connected.
    const website = await websiteById(db, ctx.website.id);
    if (!website?.identitySecret) throw invalid('This website has no identity secret: generate one in the admin page before identifying users.');
    const claims = await verify(jwt, credentials.decrypt(website.identitySecret));
    const outcome = await routing.run(async (tx, notes) => {
      const contact = await upsertVerifiedContact(tx, website.id, claims.sub, contactFieldsFrom(claims));
      const visitor = await bindBrowser(tx, ctx, contact, notes);
      const conversation = await conversationOfContact(tx, website.id, contact.id);
      return { visitor, contactId: contact.id, conversationId: conversation?.id ?? null };
    });
    ctx.visitor = outcome.visitor;
    ctx.conversationId = outcome.conversationId;
    const contact = await contactById(db, outcome.contactId);
    if (contact) publisher.contactUpdated(await toContact(db, contact), contact.websiteId);
    return { token: await tokens.sign(outcome.visitor), conversationId: outcome.conversationId, contactId: outcome.contactId };
  }

  /** The socket's visitor as stored now; a token retired since the handshake (logout elsewhere) is refused. */
  async function currentVisitor(ctx: VisitorContext, tx: Tx = db): Promise<VisitorRow> {
    if (!ctx.visitor) throw new AppError('CONVERSATION_NOT_ACTIVE', 'No session yet: attributes can be set once the visitor has written or been identified.');
    const row = await visitorById(tx, ctx.visitor.id);
    if (!row) throw new AppError('TOKEN_INVALID');
    if (row.tokenVersion !== ctx.visitor.tokenVersion) throw new AppError('TOKEN_REVOKED');
    return row;
  }

  async function setAttributes(ctx: VisitorContext, attributes: Record<string, string | number | boolean | null>): Promise<Record<string, never>> {
    const updated = await db.transaction(async (tx) => {
      const visitor = await currentVisitor(ctx, tx);
      const contact = await lockContact(tx, visitor.contactId);
      if (!contact) throw new AppError('TOKEN_INVALID');
      return setContactAttributes(tx, contact.id, mergeAttributes(contact.attributes ?? {}, attributes, MAX_CONTACT_ATTRIBUTES));
    });
    publisher.contactUpdated(await toContact(db, updated), updated.websiteId);
    return {};
  }

  /** Retires every token of this browser and makes the socket anonymous; the conversation stays on the server. */
  async function logout(ctx: VisitorContext): Promise<{ visitorId: string | null }> {
    const visitorId = ctx.visitor?.id ?? null;
    if (visitorId) await revokeVisitorTokens(db, visitorId);
    ctx.visitor = null;
    ctx.conversationId = null;
    return { visitorId };
  }

  return { identify, setAttributes, logout };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
