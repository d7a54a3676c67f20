import { createHash, randomBytes } from 'node:crypto';
import { AppError, type AgentProfile, type LoginBody } from '../../protocol/index.ts';
import { agentByEmail, agentBySessionHash, createAgentSession, revokeAgentSession, revokeAgentSessionsOf, toAgentProfile } from '../db/stores/agents-store.ts';
import type { AgentRow } from '../db/schema.ts';
import type { ServiceDeps } from './deps.ts';
import { DUMMY_HASH, verifyPassword } from './passwords.ts';

/** Agent login sessions: a random token in the HttpOnly cookie, only its SHA-256 in the database. */
export const SESSION_COOKIE = 'parley_session';
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createAuthService({ db, clock, publisher }: ServiceDeps) {
  async function login(body: LoginBody): Promise<{ token: string; agent: AgentProfile; expiresAt: Date }> {
    const agent = await agentByEmail(db, body.email);
    // Same scrypt cost whether or not the email exists, so timing does not reveal accounts.
    const valid = await verifyPassword(body.password, agent?.passwordHash ?? DUMMY_HASH);
    if (!agent || !valid) throw new AppError('INVALID_CREDENTIALS');
    if (agent.deactivatedAt) throw new AppError('ACCOUNT_DEACTIVATED');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(clock.now().getTime() + SESSION_TTL_MS);
    await createAgentSession(db, { agentId: agent.id, tokenHash: hashSessionToken(token), expiresAt });
    return { token, agent: toAgentProfile(agent), expiresAt };
  }

  /** Revokes this login session and closes the desktops it opened, on every node. */
  async function logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const tokenHash = hashSessionToken(token);
    await revokeAgentSession(db, tokenHash, clock.now());
    publisher.disconnectLoginSession(tokenHash);
  }

  /**
   * Every login session of the agent ends, and every desktop of theirs is disconnected on every
   * node: after a change of role or password, or a deactivation, nothing issued before survives.
   */
  async function revokeEverywhere(agentId: string): Promise<void> {
    await revokeAgentSessionsOf(db, agentId, clock.now());
    publisher.disconnectAgent(agentId);
  }

  /** The agent behind a session cookie value, or UNAUTHENTICATED. */
  async function authenticate(token: string | undefined | null): Promise<AgentRow> {
    if (!token) throw new AppError('UNAUTHENTICATED');
    const agent = await agentBySessionHash(db, hashSessionToken(token), clock.now());
    if (!agent) throw new AppError('UNAUTHENTICATED', 'The session has expired or was revoked.');
    return agent;
  }

  return { login, logout, revokeEverywhere, authenticate };
}

export type AuthService = ReturnType<typeof createAuthService>;
