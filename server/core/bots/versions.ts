import { AppError, type AssistantVersion, type BotCursor, type BotDefinition } from '../../../protocol/index.ts';

/**
 * Version pinning: a running conversation keeps the version it started with,
 * even after a newer publish or a rollback. Version 0 is the draft (preview).
 */
export function definitionFor(cursor: Pick<BotCursor, 'versionNumber'>, versions: readonly AssistantVersion[], draft?: BotDefinition): BotDefinition {
  if (cursor.versionNumber === 0 && draft) return draft;
  const version = versions.find((v) => v.number === cursor.versionNumber);
  if (!version) throw new AppError('NOT_FOUND', `Assistant version ${cursor.versionNumber} does not exist.`);
  return version.definition;
}

/** The version new conversations start on: the highest published (a rollback publishes the old definition again). */
export function latestVersion(versions: readonly AssistantVersion[]): AssistantVersion | null {
  return versions.reduce<AssistantVersion | null>((best, v) => (!best || v.number > best.number ? v : best), null);
}
