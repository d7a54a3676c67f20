import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError, type AgentAccount, type AgentCreate, type Queue, type QueueInput, type Team, type Website, type WebsiteCreate } from '../../protocol/index.ts';
import type { Tx } from '../db/client.ts';
import * as A from '../db/stores/admin-store.ts';
import { liveDefinitions } from '../db/stores/bots-store.ts';
import { ensureDefaultQueue, lockAgent, queueById, queuesOfWebsite, teamsWithMembers, toQueue } from '../db/stores/routing-store.ts';
import { revokeVerifiedVisitorTokens } from '../db/stores/visitors-store.ts';
import { websiteById, websiteByKey } from '../db/stores/websites-store.ts';
import type { WebsiteRow } from '../db/schema.ts';
import type { AuditActor, RecordAudit } from './audit.ts';
import type { ServiceDeps } from './deps.ts';
import { hashPassword } from './passwords.ts';
import type { RoutingService } from './routing-service.ts';
import type { AuthService } from './auth-service.ts';
import type { Scope } from '../core/access.ts';
import { agentsOfQueue, scopesOf, supervisorIds } from '../db/stores/access-store.ts';
import { must } from '../db/must.ts';

/**
 * Admin pages' use cases: websites, agents, queues, teams. Every multi-statement
 * write is one transaction; unknown ids are VALIDATION_FAILED, duplicates and
 * removals of something still in use CONFLICT.
 */
type AgentCreateInput = z.output<typeof AgentCreate>;
type QueueFields = Partial<z.output<typeof QueueInput>> & { isDefault?: boolean };

const invalid = (path: string, message: string) => new AppError('VALIDATION_FAILED', message, [{ path, message }]);

type AgentPatch = Partial<Omit<AgentCreateInput, 'email'>> & { active?: boolean };

/** The audit action of an agent change: the most telling of what it did. */
function agentAction(before: { deactivatedAt: Date | null; role: string }, patch: AgentPatch): string {
  if (patch.active === false && before.deactivatedAt === null) return 'agent.deactivate';
  if (patch.active === true && before.deactivatedAt !== null) return 'agent.reactivate';
  if (patch.role && patch.role !== before.role) return 'agent.role_change';
  if (patch.password && Object.keys(patch).length === 1) return 'agent.password_reset';
  return 'agent.update';
}

const sameScope = (a: Scope | undefined, b: Scope | undefined) =>
  a === b || (a !== undefined && b !== undefined && a !== 'all' && b !== 'all' && a.size === b.size && [...a].every((id) => b.has(id)));

export interface AdminServiceDeps extends ServiceDeps {
  routing: RoutingService;
  auth: AuthService;
  /** The server's public URL, for the websites' snippets; known for sure only once listening. */
  site: { publicUrl: () => string };
  /** Records each change in the audit log, in the change's own transaction. */
  audit: RecordAudit;
}

export function createAdminService({ db, clock, credentials, publisher, routing, auth, site, audit }: AdminServiceDeps) {
  /**
   * Scopes follow queue and team membership (server/core/access.ts). After a change, the desktops
   * of the agents whose scope moved are reconnected: they come back in the rooms of their new
   * scope, and what they had open outside it is closed.
   */
  async function keepingScopes<T>(agentIds: string[], change: () => Promise<T>): Promise<T> {
    const watched = [...new Set([...agentIds, ...(await supervisorIds(db))])];
    const before = await scopesOf(db, watched);
    const result = await change();
    const after = await scopesOf(db, watched);
    for (const id of watched) if (!sameScope(before.get(id), after.get(id))) publisher.disconnectAgent(id);
    return result;
  }

  function toWebsite(row: WebsiteRow): Website {
    const base = site.publicUrl().replace(/\/$/, '');
    return {
      id: row.id,
      key: row.key,
      name: row.name,
      allowedOrigins: row.allowedOrigins,
      defaultLocale: row.defaultLocale,
      primaryColor: row.theme.primaryColor,
      hasIdentitySecret: !!row.identitySecret,
      snippet: `<script async src="${base}/widget/loader.js" data-website-key="${row.key}"></script>`,
      messageRetentionDays: row.messageRetentionDays,
      attachmentRetentionDays: row.attachmentRetentionDays,
      journeyRetentionDays: row.journeyRetentionDays,
      trackPages: row.trackPages,
      createdAt: row.createdAt.toISOString(),
    };
  }

  const listWebsites = async () => ({ websites: (await A.listWebsites(db)).map(toWebsite) });

  async function createWebsite(input: z.output<typeof WebsiteCreate>, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      const { primaryColor, ...cols } = input;
      const created = await A.insertWebsite(tx, { ...cols, theme: { primaryColor } });
      if (!created) throw new AppError('CONFLICT', 'A website with this key exists.');
      // Every website needs a queue for its visitors' first messages.
      await ensureDefaultQueue(tx, created.id);
      await audit(tx, actor, { action: 'website.create', targetType: 'website', targetId: created.id, changes: input });
      return created;
    });
    return { website: toWebsite(row) };
  }

  type WebsitePatch = Partial<Omit<z.output<typeof WebsiteCreate>, 'key'>>;
  const RETENTION = ['messageRetentionDays', 'attachmentRetentionDays', 'journeyRetentionDays'] as const;

  /** A retention change is its own audit entry (`website.retention_update`), so it is easy to find. */
  async function updateWebsite(id: string, patch: WebsitePatch, actor: AuditActor) {
    const row = await db.transaction(async (tx) => {
      const current = await websiteById(tx, id);
      if (!current) throw new AppError('NOT_FOUND', 'No such website.');
      const { primaryColor, ...cols } = patch;
      const updated = await A.updateWebsite(tx, id, { ...cols, ...(primaryColor ? { theme: { ...current.theme, primaryColor } } : {}) });
      const retention = Object.fromEntries(Object.entries(patch).filter(([k]) => (RETENTION as readonly string[]).includes(k)));
      const rest = Object.fromEntries(Object.entries(patch).filter(([k]) => !(RETENTION as readonly string[]).includes(k)));
      if (Object.keys(retention).length) await audit(tx, actor, { action: 'website.retention_update', targetType: 'website', targetId: id, changes: retention });
      if (Object.keys(rest).length) await audit(tx, actor, { action: 'website.update', targetType: 'website', targetId: id, changes: rest });
      return must(updated, 'NOT_FOUND', 'No such website.');
    });
    return { website: toWebsite(row) };
  }

  /**
   * A new HS256 secret for the site's identity JWTs; returned once, only its existence afterwards. The
   * sessions signed in with the old secret end with it (a leaked secret is why one rotates): those browsers'
   * tokens are retired and their sockets closed, and they are anonymous until the site identifies them
   * again with the new one. Anonymous visitors are left alone.
   */
  async function rotateIdentitySecret(id: string, actor: AuditActor) {
    const identitySecret = randomBytes(32).toString('base64url');
    const retired = await db.transaction(async (tx) => {
      // Stored encrypted (server/keys/credential-cipher.ts); the admin sees it in clear this once.
      if (!(await A.updateWebsite(tx, id, { identitySecret: credentials.encrypt(identitySecret) }))) throw new AppError('NOT_FOUND', 'No such website.');
      await audit(tx, actor, { action: 'website.identity_secret_rotate', targetType: 'website', targetId: id, changes: { identitySecret } });
      return revokeVerifiedVisitorTokens(tx, id);
    });
    publisher.disconnectVisitors(retired);
    return { identitySecret };
  }

  async function checkLinks(tx: Tx, queueIds?: string[], teamIds?: string[]) {
    if (queueIds && (await A.missingIds(tx, 'queues', queueIds)).length) throw invalid('queueIds', 'Unknown queue id.');
    if (teamIds && (await A.missingIds(tx, 'teams', teamIds)).length) throw invalid('teamIds', 'Unknown team id.');
  }

  const listAgents = async (): Promise<{ agents: AgentAccount[] }> => ({ agents: await A.agentAccounts(db) });

  async function createAgent(input: AgentCreateInput, actor: AuditActor): Promise<{ agent: AgentAccount }> {
    const passwordHash = await hashPassword(input.password);
    const id = await db.transaction(async (tx) => {
      await checkLinks(tx, input.queueIds, input.teamIds);
      const row = await A.insertAgent(tx, { email: input.email.trim().toLowerCase(), name: input.name, role: input.role, maxConcurrent: input.maxConcurrent, channels: input.channels, passwordHash });
      if (!row) throw new AppError('CONFLICT', 'An agent with this email exists.');
      await A.setAgentQueues(tx, row.id, input.queueIds);
      await A.setAgentTeams(tx, row.id, input.teamIds);
      await audit(tx, actor, { action: 'agent.create', targetType: 'agent', targetId: row.id, changes: input });
      return row.id;
    });
    return { agent: must((await A.agentAccounts(db, [id]))[0], 'NOT_FOUND', 'No such agent.') };
  }

  /**
   * Role, limits, channels, queues, teams, password reset and (de)activation in one transaction; the
   * last active admin stays an active admin. A new role or password, or a deactivation, signs the
   * agent out everywhere: their login sessions are revoked and their desktops disconnected.
   */
  async function updateAgent(id: string, patch: AgentPatch, actor: AuditActor): Promise<{ agent: AgentAccount }> {
    const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
    const before = await keepingScopes([id], () =>
      db.transaction(async (tx) => {
        const row = await lockAgent(tx, id);
        if (!row) throw new AppError('NOT_FOUND', 'No such agent.');
        await checkLinks(tx, patch.queueIds, patch.teamIds);
        const losesAdmin = row.role === 'admin' && ((patch.role && patch.role !== 'admin') || patch.active === false);
        if (losesAdmin && (await A.otherAdmins(tx, id)) === 0) throw new AppError('CONFLICT', 'The last administrator cannot lose the admin role or be deactivated.');
        const { queueIds, teamIds, password: _p, active, ...cols } = patch;
        const deactivation = active === undefined || active === (row.deactivatedAt === null) ? {} : { deactivatedAt: active ? null : clock.now() };
        await A.updateAgentColumns(tx, id, { ...cols, ...(passwordHash ? { passwordHash } : {}), ...deactivation });
        if (queueIds) await A.setAgentQueues(tx, id, queueIds);
        if (teamIds) await A.setAgentTeams(tx, id, teamIds);
        await audit(tx, actor, { action: agentAction(row, patch), targetType: 'agent', targetId: id, changes: patch });
        return row;
      }),
    );
    const deactivated = patch.active === false && before.deactivatedAt === null;
    if ((patch.role && patch.role !== before.role) || passwordHash || deactivated) await auth.revokeEverywhere(id);
    if (deactivated) await routing.agentDeactivated(id);
    void routing.dispatch(); // a raised limit or a new queue may free an offer at once
    return { agent: must((await A.agentAccounts(db, [id]))[0], 'NOT_FOUND', 'No such agent.') };
  }

  const listQueues = async (): Promise<{ queues: Queue[] }> => ({ queues: (await queuesOfWebsite(db, null)).map(toQueue) });

  async function createQueue(websiteKey: string, input: QueueFields & { name: string }, actor: AuditActor): Promise<{ queue: Queue }> {
    const website = await websiteByKey(db, websiteKey);
    if (!website) throw new AppError('UNKNOWN_WEBSITE');
    const row = await db.transaction(async (tx) => {
      // One default per website: making this one the default demotes the previous.
      if (input.isDefault) await A.clearDefaultQueue(tx, website.id);
      const created = await A.insertQueue(tx, { ...input, websiteId: website.id });
      if (!created) throw new AppError('CONFLICT', 'A queue with this name exists.');
      await audit(tx, actor, { action: 'queue.create', targetType: 'queue', targetId: created.id, changes: { websiteKey, ...input } });
      return created;
    });
    return { queue: toQueue(row) };
  }

  async function updateQueue(id: string, patch: QueueFields, actor: AuditActor): Promise<{ queue: Queue }> {
    const row = await db.transaction(async (tx) => {
      const q = await queueById(tx, id);
      if (!q) throw new AppError('NOT_FOUND', 'No such queue.');
      if (patch.isDefault === false && q.isDefault) throw new AppError('CONFLICT', 'Make another queue the default instead.');
      if (patch.isDefault && !q.isDefault) await A.clearDefaultQueue(tx, q.websiteId);
      if (patch.name && patch.name !== q.name && (await A.queueIdsNamed(tx, patch.name)).some((other) => other !== id)) {
        throw new AppError('CONFLICT', 'A queue with this name exists.');
      }
      const updated = must(await A.updateQueue(tx, id, patch), 'NOT_FOUND', 'No such queue.');
      await audit(tx, actor, { action: 'queue.update', targetType: 'queue', targetId: id, changes: patch });
      return updated;
    });
    void routing.dispatch();
    return { queue: toQueue(row) };
  }

  async function deleteQueue(id: string, actor: AuditActor) {
    await keepingScopes(await agentsOfQueue(db, id), () => db.transaction(async (tx) => {
      const q = await A.lockQueue(tx, id);
      if (!q) throw new AppError('NOT_FOUND', 'No such queue.');
      if (q.isDefault) throw new AppError('CONFLICT', 'The default queue cannot be deleted.');
      const open = await A.openSessionsInQueue(tx, id);
      if (open) throw new AppError('CONFLICT', `The queue still has ${open} open session(s); transfer or close them first.`);
      // A published flow handing off to (or checking the hours of) this queue would break: name them.
      const flows = [...new Set((await liveDefinitions(tx)).filter((l) => JSON.stringify(l.definition).includes(`"${id}"`)).map((l) => l.name))];
      if (flows.length) {
        throw new AppError('CONFLICT', `Published assistants use this queue: ${flows.join(', ')}.`, flows.map((name) => ({ path: 'assistants', message: name })));
      }
      await A.deleteQueue(tx, id);
      await audit(tx, actor, { action: 'queue.delete', targetType: 'queue', targetId: id, changes: { name: q.name } });
    }));
    return { ok: true as const };
  }

  const listTeams = async (): Promise<{ teams: Team[] }> => ({ teams: await teamsWithMembers(db) });
  const teamOf = async (id: string) => must((await teamsWithMembers(db)).find((t) => t.id === id), 'NOT_FOUND', 'No such team.');

  /** Create (id null) or replace name + members, atomically. */
  async function saveTeam(id: string | null, input: { name: string; memberIds: string[] }, actor: AuditActor): Promise<{ team: Team }> {
    const teamId = await keepingScopes([], () => db.transaction(async (tx) => {
      if ((await A.missingIds(tx, 'agents', input.memberIds)).length) throw invalid('memberIds', 'Unknown agent id.');
      const clash = await A.teamIdNamed(tx, input.name);
      if (clash && clash !== id) throw new AppError('CONFLICT', 'A team with this name exists.');
      const teamId = id ? await A.renameTeam(tx, id, input.name) : await A.insertTeam(tx, input.name);
      if (!teamId) throw new AppError('NOT_FOUND', 'No such team.');
      await A.setTeamMembers(tx, teamId, input.memberIds);
      await audit(tx, actor, { action: id ? 'team.update' : 'team.create', targetType: 'team', targetId: teamId, changes: input });
      return teamId;
    }));
    return { team: await teamOf(teamId) };
  }

  async function deleteTeam(id: string, actor: AuditActor) {
    await keepingScopes([], () =>
      db.transaction(async (tx) => {
        const name = await A.deleteTeam(tx, id);
        if (name === null) throw new AppError('NOT_FOUND', 'No such team.');
        await audit(tx, actor, { action: 'team.delete', targetType: 'team', targetId: id, changes: { name } });
      }),
    );
    return { ok: true as const };
  }

  return {
    listWebsites, createWebsite, updateWebsite, rotateIdentitySecret,
    listAgents, createAgent, updateAgent,
    listQueues, createQueue, updateQueue, deleteQueue,
    listTeams, saveTeam, deleteTeam,
  };
}
export type AdminService = ReturnType<typeof createAdminService>;
