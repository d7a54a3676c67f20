import { z } from 'zod';
import { apiRequest } from '../api/http.ts';

/** Admin resources over the shared API helper (`/api/v1/<resource>`, cookie auth; `{ error }` bodies become ApiError). */
/** One admin resource: `GET /path` → `{ plural: [] }`, `POST`/`PATCH /path/:id` → `{ singular }`, `DELETE /path/:id`. */
export interface ResourceApi<T> {
  list(): Promise<T[]>;
  create(body: unknown): Promise<T>;
  update(id: string, body: unknown): Promise<T>;
  remove(id: string): Promise<void>;
}

export function resourceApi<S extends z.ZodType>(path: string, plural: string, singular: string, item: S): ResourceApi<z.output<S>> {
  const many = z.object({ [plural]: z.array(item) });
  const one = z.object({ [singular]: item });
  return {
    list: async () => (await apiRequest('GET', path, many))[plural] as z.output<S>[],
    create: async (body) => (await apiRequest('POST', path, one, body))[singular] as z.output<S>,
    update: async (id, body) => (await apiRequest('PATCH', `${path}/${encodeURIComponent(id)}`, one, body))[singular] as z.output<S>,
    remove: async (id) => void (await apiRequest('DELETE', `${path}/${encodeURIComponent(id)}`, null)),
  };
}
