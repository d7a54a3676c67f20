import { AppError, Uuid } from '../../protocol/index.ts';
import type { Guard, Rule } from '../auth/policy.ts';
import { mayContact, mayConversation, maySession, type Caller } from '../core/access.ts';
import { agentOfLoginSession, contactFacts, conversationFacts, scopeOf, sessionFacts } from '../db/stores/access-store.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * Enforces the authorization table (server/auth/policy.ts) for REST and sockets alike: the
 * caller is read fresh from their login session at every check (a revoked session, a changed
 * role or a deactivated account counts at once, on every node), then the rule's guard decides
 * with the pure rules of core/access.ts.
 */
export interface StaffCaller extends Caller {
  name: string;
}

export function createAccessService({ db, clock }: Pick<ServiceDeps, 'db' | 'clock'>) {
  /**
   * The staff member behind a login session's token hash, with their current role (and scope when
   * asked: only guards about websites need it); UNAUTHENTICATED when the session or account is gone.
   */
  async function callerOf(tokenHash: string, opts: { withScope: boolean }): Promise<StaffCaller> {
    const agent = await agentOfLoginSession(db, tokenHash, clock.now());
    if (!agent) throw new AppError('UNAUTHENTICATED', 'The session has expired or was revoked.');
    return { ...agent, scope: opts.withScope ? await scopeOf(db, agent) : new Set() };
  }

  /** Throws FORBIDDEN unless the guard admits the caller for this input; NOT_FOUND when the object does not exist. */
  async function check(caller: Caller, guard: Guard, input: Record<string, unknown>): Promise<void> {
    const id = 'key' in guard ? input[guard.key] : undefined;
    // Path parameters arrive unparsed (the route validates them after this check): not a uuid, no such thing.
    if ('key' in guard && !Uuid.safeParse(id).success) {
      throw new AppError('VALIDATION_FAILED', `${guard.key} must be a UUID.`, [{ path: guard.key, message: 'Invalid UUID' }]);
    }
    switch (guard.kind) {
      case 'conversation': {
        const facts = await conversationFacts(db, id as string);
        if (!facts) throw new AppError('NOT_FOUND', 'No such conversation.');
        if (!mayConversation(caller, guard.need, facts)) throw new AppError('FORBIDDEN', 'This conversation is outside what you may access.');
        return;
      }
      case 'session': {
        const facts = await sessionFacts(db, id as string);
        if (!facts) throw new AppError('NOT_FOUND', 'No such session.');
        if (!maySession(caller, guard.need, facts)) throw new AppError('FORBIDDEN', 'This session is outside what you may access.');
        return;
      }
      case 'contact': {
        const facts = await contactFacts(db, id as string, caller.id);
        if (!facts) throw new AppError('NOT_FOUND', 'No such contact.');
        if (!mayContact(caller, guard.need, facts)) throw new AppError('FORBIDDEN', 'This contact is outside what you may access.');
        return;
      }
      case 'scoped-list':
      case 'own':
      case 'none':
        return;
    }
  }

  /** Authenticates a staff call and checks its role under `rule` (not yet its guard): the fresh caller. */
  async function admit(tokenHash: string | null, rule: Rule): Promise<StaffCaller> {
    // Rules that do not admit staff refuse (the table, not the caller, is wrong then).
    if (rule.auth !== 'staff' && rule.auth !== 'visitor-or-staff') throw new AppError('FORBIDDEN');
    if (!tokenHash) throw new AppError('UNAUTHENTICATED');
    const caller = await callerOf(tokenHash, { withScope: !(rule.guard.kind === 'own' || rule.guard.kind === 'none') });
    if (!rule.roles.includes(caller.role)) throw new AppError('FORBIDDEN');
    return caller;
  }

  /** A staff call under `rule`: the fresh caller (role and scope as of now), or a typed refusal. */
  async function authorizeStaff(tokenHash: string | null, rule: Rule, input: Record<string, unknown>): Promise<StaffCaller> {
    const caller = await admit(tokenHash, rule);
    if (rule.auth === 'staff' || rule.auth === 'visitor-or-staff') await check(caller, rule.guard, input);
    return caller;
  }

  return { callerOf, admit, authorizeStaff, check };
}

export type AccessService = ReturnType<typeof createAccessService>;
