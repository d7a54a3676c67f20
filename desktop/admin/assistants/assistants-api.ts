import { z } from 'zod';
import {
  Assistant,
  AssistantDetail,
  DefinitionIssue,
  PreviewResult,
  Website,
  type Locale,
  type BotStep,
} from '../../../protocol/index.ts';
import { apiRequest } from '../../api/http.ts';

/**
 * The builder edits a definition that may be invalid (empty texts, unlinked
 * steps): the server saves drafts as they are and returns their issues, so
 * answers are read loosely and only the step list's shape is required.
 */
export interface Draft {
  start: string;
  steps: BotStep[];
  languages: Locale[];
  settings?: unknown;
}
export const LooseDraft = z.looseObject({
  start: z.string(),
  steps: z.array(z.looseObject({ id: z.string(), kind: z.string() })),
  languages: z.array(z.string()),
}).transform((d) => d as unknown as Draft);

export const LooseDetail = AssistantDetail.extend({ draft: LooseDraft });
export type Detail = z.output<typeof LooseDetail>;

const base = '/assistants';
const at = (id: string, tail = '') => `${base}/${encodeURIComponent(id)}${tail}`;

export const assistantsApi = {
  list: async () => (await apiRequest('GET', base, z.object({ assistants: z.array(Assistant) }))).assistants,
  create: async (body: { name: string; brand?: string; languages: Locale[] }) => (await apiRequest('POST', base, z.object({ assistant: Assistant }), body)).assistant,
  get: (id: string) => apiRequest('GET', at(id), LooseDetail),
  updateSettings: (id: string, settings: { name?: string; brand?: string | null; channels?: string[] }) => apiRequest('PATCH', at(id), LooseDetail, settings),
  remove: (id: string) => apiRequest('DELETE', at(id), z.object({ ok: z.literal(true) })),
  saveDraft: (id: string, definition: Draft) => apiRequest('PUT', at(id, '/draft'), LooseDetail, { definition }),
  publish: (id: string, channels: string[]) => apiRequest('POST', at(id, '/publish'), LooseDetail, { channels }),
  rollback: (id: string, version: number) => apiRequest('POST', at(id, '/rollback'), LooseDetail, { version }),
  preview: (id: string, body: { cursor: unknown; input: PreviewInputBody; locale: Locale }) => apiRequest('POST', at(id, '/preview'), PreviewResult, body),
  websites: async () => (await apiRequest('GET', '/websites', z.object({ websites: z.array(Website) }))).websites,
};

export type PreviewInputBody = { kind: 'start' } | { kind: 'text'; text: string } | { kind: 'postback'; value: string; label: string };

/** 422 VALIDATION_FAILED details of a refused publish: `{ path: stepId | 'definition', message }[]`. */
export function publishIssues(details: unknown): DefinitionIssue[] {
  const list = Array.isArray(details) ? details : details && typeof details === 'object' && 'issues' in details ? (details as { issues: unknown }).issues : [];
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const parsed = z.object({ path: z.string(), message: z.string() }).safeParse(item);
    if (!parsed.success) return [];
    const { path, message } = parsed.data;
    return [{ stepId: path === 'definition' ? null : path, code: 'PUBLISH_REFUSED', message, level: 'error' as const }];
  });
}

