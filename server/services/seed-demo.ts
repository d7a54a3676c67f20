import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { agentByEmail, ensureAgent } from '../db/stores/agents-store.ts';
import { upsertWebsite } from '../db/stores/websites-store.ts';
import { countActionMaps, countOutcomes, insertActionMap, insertOutcome } from '../db/stores/engagement-store.ts';
import { DEMO_ASSISTANT, demoAssistantDefinition } from '../core/bots/index.ts';
import { agentQueues, agents, assistants, assistantVersions, dispositions, queues, quickReplies, tags, teamMembers, teams, websiteAssistants } from '../db/schema.ts';
import { PUBLIC_DEMO_PASSWORD } from '../env.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

/**
 * The demo the README promises; idempotent, re-run at every start (origins follow the port). The agents'
 * password is the public one outside production; in production only DEMO_PASSWORD (see env.ts).
 */
export const DEMO = {
  websiteKey: 'demo-shop',
  websiteName: 'Kettle & Leaf',
  agentEmail: 'agent@demo.shop',
  agentPassword: PUBLIC_DEMO_PASSWORD,
  agentName: 'Ada Lovelace',
  agent2Email: 'agent2@demo.shop',
  agent2Name: 'Grace Hopper',
} as const;

/**
 * Issue 20: a second demo website with one proactive rule and one outcome. No demo page uses it yet
 * (a later change points the tea page at it), so the shop's pages keep their single request.
 */
export const DEMO_TEA = {
  websiteKey: 'demo-tea',
  websiteName: 'Parley Tea',
  queueName: 'Tea room',
  ruleName: 'Tea page: offer help after 10 s when an agent is Ready',
  /** The demo's tea page. */
  teaPagePattern: '/demo/product.html*',
  outcomeName: 'Added to cart',
  /** `Messenger('trackEvent', 'added_to_cart')` on the tea page's button (the demo has no checkout). */
  outcomeEvent: 'added_to_cart',
} as const;

/** Issue 4's desk lists: global quick replies, dispositions and tags. */
export const DEMO_QUICK_REPLIES = [
  { title: 'Greeting', body: 'Hello {{contact.name}}, I am {{agent.name}}. How can I help you today?' },
  { title: 'Order status', body: 'Let me check order {{order_number}} for you, one moment please.' },
  { title: 'Shipping times', body: 'Orders ship within 2 business days; delivery takes 3 to 5 days in Europe.' },
  { title: 'Goodbye', body: 'Thank you for contacting Kettle & Leaf. Have a lovely day!' },
] as const;
export const DEMO_DISPOSITIONS = [
  { code: 'resolved', label: 'Resolved' },
  { code: 'follow_up', label: 'Follow-up needed' },
  { code: 'info_given', label: 'Information given' },
  { code: 'sale', label: 'Sale' },
] as const;
export const DEMO_TAGS = ['billing', 'shipping', 'product', 'complaint'] as const;

/** Added once: an admin's later edits and deletions are not undone at the next start. */
async function seedDeskLists(db: Db): Promise<void> {
  const [anyReply] = await db.select({ id: quickReplies.id }).from(quickReplies).limit(1);
  const [anyDisposition] = await db.select({ id: dispositions.id }).from(dispositions).limit(1);
  const [anyTag] = await db.select({ id: tags.id }).from(tags).limit(1);
  if (!anyReply) await db.insert(quickReplies).values(DEMO_QUICK_REPLIES.map((q) => ({ ...q, queueId: null })));
  if (!anyDisposition) await db.insert(dispositions).values([...DEMO_DISPOSITIONS]).onConflictDoNothing();
  if (!anyTag) await db.insert(tags).values(DEMO_TAGS.map((name) => ({ name }))).onConflictDoNothing();
}

export function demoOrigins(publicUrl: string, port: number): string[] {
  const origins = [new URL(publicUrl).origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`];
  return [...new Set(origins)];
}

async function ensureQueue(db: Db, websiteId: string, name: string, isDefault: boolean, channel: 'chat' | 'twitter' = 'chat') {
  await db.insert(queues).values({ websiteId, name, isDefault, channel, policy: 'longest_idle', offerTimeoutSec: 45 }).onConflictDoNothing();
  const [row] = await db.select().from(queues).where(and(eq(queues.websiteId, websiteId), eq(queues.name, name)));
  return row!;
}

/**
 * Website demo-shop; queues General (default) and Billing; team Support; Ada
 * (admin, 5 chats, chat + twitter) and Grace (agent, 3 chats, chat), both in
 * both queues and the team, with `password` (see `demoSeedPassword` in env.ts).
 * Settings an admin changed later are left alone.
 */
export async function seedDemo(db: Db, opts: { publicUrl: string; port: number; password: string; assistant?: boolean }): Promise<void> {
  const site = await upsertWebsite(db, {
    key: DEMO.websiteKey,
    name: DEMO.websiteName,
    allowedOrigins: demoOrigins(opts.publicUrl, opts.port),
    defaultLocale: 'en',
    theme: { primaryColor: '#2f6b45' },
  });
  const general = await ensureQueue(db, site.id, 'General', true);
  const billing = await ensureQueue(db, site.id, 'Billing', false);
  await db.insert(teams).values({ name: 'Support' }).onConflictDoNothing();
  const [support] = await db.select().from(teams).where(eq(teams.name, 'Support'));

  const people = [
    { email: DEMO.agentEmail, name: DEMO.agentName, role: 'admin' as const, maxConcurrent: 5, channels: ['chat', 'twitter'] as ('chat' | 'twitter')[] },
    { email: DEMO.agent2Email, name: DEMO.agent2Name, role: 'agent' as const, maxConcurrent: 3, channels: ['chat'] as ('chat' | 'twitter')[] },
  ];
  for (const p of people) {
    // Only hashed when missing: scrypt is deliberately slow and the agent may have changed it.
    let agent = await agentByEmail(db, p.email);
    // New agents, and agents of a database seeded before routing existed (no queue yet), get the demo routing setup.
    const routed = agent ? (await db.select().from(agentQueues).where(eq(agentQueues.agentId, agent.id)).limit(1)).length > 0 : false;
    if (!routed) {
      agent ??= await ensureAgent(db, { email: p.email, name: p.name, role: p.role, passwordHash: await hashPassword(opts.password) });
      await db.update(agents).set({ maxConcurrent: p.maxConcurrent, channels: p.channels }).where(eq(agents.id, agent.id));
      await db.insert(agentQueues).values([general, billing].map((q) => ({ agentId: agent!.id, queueId: q.id }))).onConflictDoNothing();
      await db.insert(teamMembers).values({ teamId: support!.id, agentId: agent.id }).onConflictDoNothing();
    }
  }
  await seedTwitterQueue(db, site.id);
  await seedDeskLists(db);
  if (opts.assistant ?? true) await seedDemoAssistant(db, site.id, general.id);
  await seedDemoTea(db, opts);
}

/** The second website, its queue (both demo agents in it), its rule and its outcome; the rule and outcome once only. */
async function seedDemoTea(db: Db, opts: { publicUrl: string; port: number }): Promise<void> {
  const site = await upsertWebsite(db, { key: DEMO_TEA.websiteKey, name: DEMO_TEA.websiteName, allowedOrigins: demoOrigins(opts.publicUrl, opts.port), defaultLocale: 'en', theme: { primaryColor: '#2f6b45' } });
  const room = await ensureQueue(db, site.id, DEMO_TEA.queueName, true);
  const ada = await agentByEmail(db, DEMO.agentEmail);
  const grace = await agentByEmail(db, DEMO.agent2Email);
  const people = [ada, grace].filter((a) => a !== null);
  if (people.length) await db.insert(agentQueues).values(people.map((a) => ({ agentId: a.id, queueId: room.id }))).onConflictDoNothing();
  await db.transaction(async (tx) => {
    if (ada && (await countActionMaps(tx, site.id)) === 0) {
      await insertActionMap(tx, site.id, {
        name: DEMO_TEA.ruleName,
        enabled: true,
        priority: 100,
        conditions: [{ type: 'url', pattern: DEMO_TEA.teaPagePattern, negate: false }, { type: 'time_on_page', atLeastSec: 10 }, { type: 'agents_available' }],
        action: { type: 'offer', message: { en: 'Hello! Questions about this tea? I am happy to help.', fr: 'Bonjour ! Une question sur ce thé ? Je suis là pour vous aider.' }, from: { kind: 'agent', agentId: ada.id }, queueId: room.id },
        cap: { oncePerSession: true, dismissCooldownDays: 7 },
      });
    }
    if ((await countOutcomes(tx, site.id)) === 0) {
      await insertOutcome(tx, site.id, { name: DEMO_TEA.outcomeName, match: { type: 'event', name: DEMO_TEA.outcomeEvent }, attributionWindowHours: 72 });
    }
  });
}

/**
 * The X channel (issue 19): X conversations wait in the website's Twitter queue (media channel
 * `twitter`). Made once, with the demo agents enabled on Twitter as members; later edits are kept.
 */
async function seedTwitterQueue(db: Db, websiteId: string): Promise<void> {
  const [existing] = await db.select({ id: queues.id }).from(queues).where(and(eq(queues.websiteId, websiteId), eq(queues.channel, 'twitter'))).limit(1);
  if (existing) return;
  const twitter = await ensureQueue(db, websiteId, 'Twitter', false, 'twitter');
  const onTwitter = (await db.select({ id: agents.id, channels: agents.channels }).from(agents)).filter((a) => a.channels.includes('twitter'));
  if (onTwitter.length) await db.insert(agentQueues).values(onTwitter.map((a) => ({ agentId: a.id, queueId: twitter.id }))).onConflictDoNothing();
}

/**
 * The demo agents who can still log in with the public demo password: a production server seeded before
 * issue 16 (when `npm start` always seeded) has a known admin until someone changes or removes it.
 */
export async function agentsWithPublicDemoPassword(db: Db): Promise<string[]> {
  const found: string[] = [];
  for (const email of [DEMO.agentEmail, DEMO.agent2Email]) {
    const agent = await agentByEmail(db, email);
    if (agent && (await verifyPassword(PUBLIC_DEMO_PASSWORD, agent.passwordHash))) found.push(email);
  }
  return found;
}

/**
 * Issue 5: the demo assistant, published (version 1) on demo-shop. Added once: if the
 * assistant exists or the site already has one live, an admin's choices stay.
 */
async function seedDemoAssistant(db: Db, websiteId: string, generalQueueId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: assistants.id }).from(assistants).where(eq(assistants.name, DEMO_ASSISTANT.name)).limit(1);
    const [live] = await tx.select().from(websiteAssistants).where(eq(websiteAssistants.websiteId, websiteId));
    if (existing || live) return;
    const definition = demoAssistantDefinition(generalQueueId);
    const [row] = await tx.insert(assistants).values({ name: DEMO_ASSISTANT.name, languages: [...DEMO_ASSISTANT.languages], draft: definition }).returning({ id: assistants.id });
    await tx.insert(assistantVersions).values({ assistantId: row!.id, number: 1, definition });
    await tx.insert(websiteAssistants).values({ websiteId, assistantId: row!.id, versionNumber: 1 }).onConflictDoNothing();
  });
}
