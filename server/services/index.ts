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
import { createDeskService } from './desk-service.ts';
import { createDirectoryService } from './directory-service.ts';
import { createIdentityService } from './identity-service.ts';
import { createMessageWriter, DEFAULT_WRITE_PATH, type WritePathOptions } from './message-writer.ts';
import { createQueueStatusReader } from './queue-status.ts';
import { createNotePublisher, type PublishNotes } from './routing-notes.ts';
import { createRoutingService, type RoutingOptions } from './routing-service.ts';
import { createSessionService, type SessionService } from './session-service.ts';
import { createVisitorService } from './visitor-service.ts';

export const DEFAULT_ROUTING: RoutingOptions = { presenceGraceMs: 30_000 };

/** `writePath`: the batched message writer's window, batch cap, batches in flight, preview interval and `onBatch` metrics hook (see message-writer.ts). */
export function createServices(
  deps: ServiceDeps,
  routingOptions: RoutingOptions = DEFAULT_ROUTING,
  site: { publicUrl: () => string } = { publicUrl: () => '' },
  writePath: Partial<WritePathOptions> = {},
  /** The attachments' bytes, for a contact's export and erasure and the retention sweep. */
  attachmentFiles: AttachmentFiles,
) {
  const publishRef: { publish: PublishNotes } = { publish: async () => {} };
  const routing = createRoutingService(deps, routingOptions, publishRef);
  const status = createQueueStatusReader(deps);
  publishRef.publish = createNotePublisher(deps, status, () => void routing.dispatch());
  let sessions: SessionService | null = null;
  const sessionsRef = () => sessions!;
  // Drain it on graceful shutdown: services.writer.drain().
  const writer = createMessageWriter(deps, { ...DEFAULT_WRITE_PATH, ...writePath });
  const agent = createAgentService(deps, routing, sessionsRef, writer);
  sessions = createSessionService(deps, routing, agent.open);
  const bot = createBotService(deps);
  const auth = createAuthService(deps);
  const audit = createAuditService(deps);
  routing.onTimer('bot_reminder', (tx, sessionId, notes) => bot.onTimer(tx, 'reminder', sessionId, notes));
  routing.onTimer('bot_close', (tx, sessionId, notes) => bot.onTimer(tx, 'close', sessionId, notes));
  return {
    visitor: createVisitorService(deps, routing, sessionsRef, status, bot, writer),
    identity: createIdentityService(deps, routing),
    assistants: createAssistantService(deps, audit.record),
    agent,
    writer,
    auth,
    access: createAccessService(deps),
    routing,
    sessions,
    queueStatus: status,
    directory: createDirectoryService(deps),
    desk: createDeskService(deps, agent, sessionsRef),
    admin: createAdminService(deps, routing, auth, site, audit.record),
    catalogAdmin: createCatalogAdminService(deps, audit.record),
    audit,
    privacy: createPrivacyService(deps, attachmentFiles, audit.record),
    retention: createRetentionService(deps, attachmentFiles),
  };
}
export type Services = ReturnType<typeof createServices>;
export type { ServiceDeps } from './deps.ts';
