import { AppError } from '../../protocol/index.ts';
import type { Clock } from '../core/clock.ts';
import { isOriginAllowed } from '../core/origin.ts';
import { assertVisitorClaims } from '../core/visitor-token.ts';
import type { Db } from '../db/client.ts';
import { conversationOfContact, isContactConversation } from '../db/stores/conversations-store.ts';
import { visitorById } from '../db/stores/visitors-store.ts';
import { websiteById } from '../db/stores/websites-store.ts';
import type { WebsiteRow } from '../db/schema.ts';
import { REST_POLICY } from '../auth/policy.ts';
import type { AccessService, StaffCaller } from '../services/access-service.ts';
import { hashSessionToken } from '../services/auth-service.ts';
import type { VisitorTokens } from '../services/visitor-tokens.ts';
import type { Uploader } from './attachment-service.ts';

/**
 * Who is calling the attachments API: a member of staff (session cookie) reads and
 * uploads where the authorization table lets them (the conversation's read and write
 * rules); a visitor (Bearer visitor token) only their contact's conversations, and
 * only from an origin their website allows.
 */
export type Participant =
  | { kind: 'agent'; uploader: Uploader; caller: StaffCaller }
  | { kind: 'visitor'; uploader: Uploader; website: WebsiteRow; contactId: string };

export interface ParticipantDeps {
  db: Db;
  access: AccessService;
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

const UPLOAD_RULE = REST_POLICY['POST /api/v1/attachments']!;
const READ_RULE = REST_POLICY['GET /api/v1/attachments/:id']!;
const guardOf = (rule: typeof UPLOAD_RULE) => {
  if (rule.auth !== 'visitor-or-staff') throw new Error('attachments: the authorization table must admit visitors and staff');
  return rule.guard;
};

export function createParticipants({ db, access, tokens, clock }: ParticipantDeps) {
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
      // Role now; the conversation is checked once known (uploadTarget, mayRead).
      const caller = await access.admit(hashSessionToken(creds.cookie), UPLOAD_RULE);
      return { kind: 'agent', uploader: { kind: 'agent', id: caller.id }, caller };
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
    await access.check(who.caller, guardOf(UPLOAD_RULE), { conversationId: requested });
    return requested;
  }

  /** May the caller read the attachments of this conversation? */
  async function mayRead(who: Participant, conversationId: string): Promise<boolean> {
    if (who.kind === 'agent') {
      return access.check(who.caller, guardOf(READ_RULE), { conversationId }).then(
        () => true,
        () => false,
      );
    }
    return isContactConversation(db, conversationId, who.website.id, who.contactId);
  }

  return { identify, uploadTarget, mayRead };
}

export type Participants = ReturnType<typeof createParticipants>;
