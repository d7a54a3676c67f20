import { createAccessService } from './access-service.ts';
import { createAgentService } from './agent-service.ts';
import { createAuditService } from './audit.ts';
import { createPrivacyService, type AttachmentFiles } from './privacy-service.ts';
import { createRetentionService } from './retention-service.ts';
import { createAuthService } from './auth-service.ts';
import { createAssistantService } from './assistant-service.ts';
import { createBotService } from './bot-service.ts';
import type { ServiceDeps } from './deps.ts';
import { createAdminService } from './admin-service.ts';
import { createCatalogAdminService } from './catalog-admin-service.ts';
import { createConversationDetails } from './conversation-details.ts';
import { createDeskService } from './desk-service.ts';
import { createDirectoryService } from './directory-service.ts';
import { createEngagementService } from './engagement-service.ts';
import { createJourneyService } from './journey-service.ts';
import { createOfferAcceptance } from './offer-acceptance.ts';
import { createIdentityService } from './identity-service.ts';
import { createMessageWriter, DEFAULT_WRITE_PATH, type WritePathOptions } from './message-writer.ts';
import { createQueueStatusReader } from './queue-status.ts';
import { createRoutingService, type RoutingOptions } from './routing-service.ts';
import { createSessionService } from './session-service.ts';
import { createVisitorService } from './visitor-service.ts';
import { X_CHANNEL_OFF, type XSettings } from '../env.ts';
import type { AttachmentService } from '../attachments/attachment-service.ts';
import type { XInboundSink } from '../channels/x/contracts.ts';
import { createXDmMedia } from '../channels/x/x-runtime.ts';
import { createContactLinkService } from './contact-link-service.ts';
import { createXAccountsService } from './x-accounts-service.ts';
import { createXDmService } from './x-dm-service.ts';
import { createXInboundService } from './x-inbound-service.ts';
import { createXPublicActions } from './x-public-actions.ts';
import { createXPublicService } from './x-public-service.ts';

export const DEFAULT_ROUTING: RoutingOptions = { presenceGraceMs: 30_000 };

/** What the services are built from: the shared dependencies, and the few settings some of them take. */
export interface ServicesInput extends ServiceDeps {
  /** The attachments' bytes, for a contact's export and erasure and the retention sweep. */
  attachmentFiles: AttachmentFiles;
  routing?: RoutingOptions;
  /** The server's public URL (the websites' snippets); read late, since a test server knows it once listening. */
  site?: { publicUrl: () => string };
  /** The batched message writer's window, batch cap, batches in flight, preview interval and `onBatch` metrics hook (see message-writer.ts). */
  writePath?: Partial<WritePathOptions>;
  /**
   * The X channel (issue 19): its settings (X_*; off when omitted), the fetch its calls go through, and
   * where inbound DM images are stored (as uploads; without it they are skipped).
   */
  x?: { settings?: XSettings; fetch?: typeof fetch; uploads?: Pick<AttachmentService, 'upload'> };
}

/** Told when an agent's message to X was queued; the outbound dispatcher (main.ts) listens. */
export function createSignal() {
  const listeners = new Set<() => void>();
  return {
    notify: () => {
      for (const l of listeners) l();
    },
    listen: (l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

/**
 * The composition of the use cases. Each service takes one object naming what it uses, and is
 * built after everything it uses: no references filled in later, no positional arguments.
 */
export function createServices({ routing: routingOptions = DEFAULT_ROUTING, site = { publicUrl: () => '' }, writePath = {}, attachmentFiles, x = {}, ...deps }: ServicesInput) {
  const status = createQueueStatusReader(deps);
  const routing = createRoutingService({ ...deps, status, options: routingOptions });
  const details = createConversationDetails(deps);
  // Drain it on graceful shutdown: services.writer.drain().
  const writer = createMessageWriter(deps, { ...DEFAULT_WRITE_PATH, ...writePath });
  const sessions = createSessionService({ ...deps, routing, details });
  // The X channel: an agent's message to X wakes the outbound dispatcher.
  const xOutboundSignal = createSignal();
  const agent = createAgentService({ ...deps, routing, sessions, writer, details, xOutboundQueued: xOutboundSignal.notify });
  // What the X webhook and the poller hand over: DMs become chats, posts public threads.
  const audit = createAuditService(deps);
  const xAccounts = createXAccountsService({ ...deps, audit: audit.record, site, settings: x.settings ?? X_CHANNEL_OFF, fetch: x.fetch });
  const media = x.uploads ? createXDmMedia({ http: xAccounts.http, tokens: xAccounts.tokens, uploads: x.uploads, fetch: x.fetch }) : undefined;
  const xDm = createXDmService({ ...deps, routing, sessions, media });
  const xPublic = createXPublicService({ ...deps, routing, sessions });
  const xSink: XInboundSink = { dm: xDm.receive, post: xPublic.post };
  const xInbound = createXInboundService({ ...deps, sink: xSink });
  const bot = createBotService(deps);
  const auth = createAuthService(deps);
  routing.onTimer('bot_reminder', (tx, sessionId, notes) => bot.onTimer(tx, 'reminder', sessionId, notes));
  routing.onTimer('bot_close', (tx, sessionId, notes) => bot.onTimer(tx, 'close', sessionId, notes));
  return {
    visitor: createVisitorService({ ...deps, routing, sessions, status, bot, writer }),
    identity: createIdentityService({ ...deps, routing }),
    assistants: createAssistantService({ ...deps, audit: audit.record }),
    agent,
    writer,
    auth,
    access: createAccessService(deps),
    routing,
    sessions,
    queueStatus: status,
    directory: createDirectoryService(deps),
    desk: createDeskService({ ...deps, agents: agent, sessions }),
    admin: createAdminService({ ...deps, routing, auth, site, audit: audit.record }),
    catalogAdmin: createCatalogAdminService({ ...deps, audit: audit.record }),
    audit,
    engagement: createEngagementService({ ...deps, audit: audit.record }),
    journeys: createJourneyService(deps),
    offers: createOfferAcceptance({ ...deps, routing, sessions }),
    privacy: createPrivacyService({ ...deps, files: attachmentFiles, audit: audit.record }),
    retention: createRetentionService({ ...deps, files: attachmentFiles }),
    // The X channel (issue 19): connected accounts, OAuth, webhook setup, the token source; DMs, public posts,
    // the inbox of webhook deliveries, and the signal that wakes the outbound dispatcher.
    xAccounts,
    xPublic,
    xPublicActions: createXPublicActions({ ...deps, routing, sessions, details, xOutboundQueued: xOutboundSignal.notify }),
    contactLink: createContactLinkService({ ...deps, routing, audit: audit.record }),
    xDm,
    xSink,
    xInbound,
    xOutboundSignal,
  };
}
export type Services = ReturnType<typeof createServices>;
export type { ServiceDeps } from './deps.ts';
