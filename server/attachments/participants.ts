import { and, eq } from 'drizzle-orm';
import { AppError } from '../../protocol/index.ts';
import type { Clock } from '../core/clock.ts';
import { isOriginAllowed } from '../core/origin.ts';
import { assertVisitorClaims } from '../core/visitor-token.ts';
import type { Db } from '../db/client.ts';
import { conversationOfContact } from '../db/stores/conversations-store.ts';
import { visitorById } from '../db/stores/visitors-store.ts';
import { websiteById } from '../db/stores/websites-store.ts';
import { conversations, type WebsiteRow } from '../db/schema.ts';
import type { AuthService } from '../services/auth-service.ts';
import type { VisitorTokens } from '../services/visitor-tokens.ts';
import type { Uploader } from './attachment-service.ts';

/**
 * Who is calling the attachments API: an agent (session cookie) sees every
 * conversation; a visitor (Bearer visitor token) only their contact's conversations,
 * and only from an origin their website allows.
 */
export type Participant =
  | { kind: 'agent'; uploader: Uploader }
  | { kind: 'visitor'; uploader: Uploader; website: WebsiteRow; contactId: string };

export interface ParticipantDeps {
  db: Db;
  auth: AuthService;
  tokens: VisitorTokens;
  clock: Clock;
}

export interface Credentials {
  bearer: string | null;
  cookie: string | null;
  origin: string | null;
}

export function bearerOf(header: string | undefined | null): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

export function createParticipants({ db, auth, tokens, clock }: ParticipantDeps) {
  async function identify(creds: Credentials): Promise<Participant> {
    if (creds.bearer) {
      const claims = await tokens.verify(creds.bearer);
      const visitor = await visitorById(db, claims.sub);
      assertVisitorClaims(claims, visitor, claims.wid, clock);
      const website = await websiteById(db, claims.wid);
      if (!website) throw new AppError('TOKEN_INVALID');
      // A browser call must come from one of the site's origins (server-to-server calls send none).
      if (creds.origin && !isOriginAllowed(creds.origin, website.allowedOrigins)) throw new AppError('ORIGIN_NOT_ALLOWED');
      return { kind: 'visitor', uploader: { kind: 'visitor', id: visitor!.id }, website, contactId: visitor!.contactId };
    }
    if (creds.cookie) {
      const agent = await auth.authenticate(creds.cookie);
      return { kind: 'agent', uploader: { kind: 'agent', id: agent.id } };
    }
    throw new AppError('UNAUTHENTICATED');
  }

  /** The conversation an upload goes to; a visitor's own, whatever they claim; 404 for anything else. */
  async function uploadTarget(who: Participant, requested: string | null): Promise<string> {
    if (who.kind === 'visitor') {
      const own = await conversationOfContact(db, who.website.id, who.contactId);
      if (!own || (requested && requested !== own.id)) throw new AppError('NOT_FOUND', 'No such conversation.');
      return own.id;
    }
    if (!requested) throw new AppError('VALIDATION_FAILED', 'conversationId is required.', [{ path: 'conversationId', message: 'Required' }]);
    const [row] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, requested));
    if (!row) throw new AppError('NOT_FOUND', 'No such conversation.');
    return row.id;
  }

  /** Conversations whose attachments the caller may read; null = all (agents). */
  async function readableConversations(who: Participant): Promise<string[] | null> {
    if (who.kind === 'agent') return null;
    const rows = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.websiteId, who.website.id), eq(conversations.contactId, who.contactId)));
    return rows.map((r) => r.id);
  }

  return { identify, uploadTarget, readableConversations };
}

export type Participants = ReturnType<typeof createParticipants>;
