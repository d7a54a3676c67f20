import { deleteOldWebSessions, journeyRetentionPolicies } from '../db/stores/journeys-store.ts';
import { claimRun, clearOldPreviews, deleteOldAttachments, deleteOldMessages, retentionPolicies } from '../db/stores/retention-store.ts';
import type { ServiceDeps } from './deps.ts';
import type { AttachmentFiles } from './privacy-service.ts';

/**
 * The daily retention sweep: per website, messages and attachments older than its retention days are
 * deleted (null keeps them), and web sessions idle for longer than its journey retention (default 90
 * days) with their page views, journey events and outcome hits. Every node's sweeper asks; one node a day wins the claim. Deletes in
 * bounded batches, each its own short transaction, so a big backlog never holds long locks.
 */
export const RETENTION_JOB = 'retention';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionOptions {
  batchSize: number;
}

export interface SweepReport {
  messages: number;
  attachments: number;
  webSessions: number;
}

export interface RetentionDeps extends ServiceDeps {
  files: Pick<AttachmentFiles, 'removeBytes'>;
  options?: RetentionOptions;
}

export function createRetentionService({ db, clock, logger, files, options = { batchSize: 500 } }: RetentionDeps) {
  /** Runs the sweep if no node ran it in the last 24 hours; null when another run had it. */
  async function runDaily(): Promise<SweepReport | null> {
    const now = clock.now();
    if (!(await claimRun(db, RETENTION_JOB, now, DAY_MS))) return null;
    const report = await sweep(now);
    if (report.messages || report.attachments || report.webSessions) logger.info(report, 'retention sweep');
    return report;
  }

  async function sweep(now: Date): Promise<SweepReport> {
    const report: SweepReport = { messages: 0, attachments: 0, webSessions: 0 };
    const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS);
    for (const policy of await retentionPolicies(db)) {
      if (policy.attachmentRetentionDays !== null) {
        const before = cutoff(policy.attachmentRetentionDays);
        for (;;) {
          const keys = await db.transaction(async (tx) => {
            const deleted = await deleteOldAttachments(tx, policy.websiteId, before, options.batchSize);
            // In the transaction: bytes that cannot be deleted keep their rows, and the next sweep retries.
            await files.removeBytes(deleted, tx);
            return deleted;
          });
          report.attachments += keys.length;
          if (keys.length < options.batchSize) break;
        }
      }
      if (policy.messageRetentionDays !== null) {
        const before = cutoff(policy.messageRetentionDays);
        for (;;) {
          const n = await deleteOldMessages(db, policy.websiteId, before, options.batchSize);
          report.messages += n;
          if (n < options.batchSize) break;
        }
        await clearOldPreviews(db, policy.websiteId, before);
      }
    }
    for (const { websiteId, days } of await journeyRetentionPolicies(db)) {
      const before = cutoff(days);
      for (;;) {
        const n = await deleteOldWebSessions(db, websiteId, before, options.batchSize);
        report.webSessions += n;
        if (n < options.batchSize) break;
      }
    }
    return report;
  }

  return { runDaily };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
