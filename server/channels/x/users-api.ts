import { z } from 'zod';
import { XId } from '../../../protocol/index.ts';
import type { XHttp } from './x-http.ts';

/** `GET /2/users/me`: who authorized us (the brand), with the user's own token. */
const MeAnswer = z.object({ data: z.object({ id: XId, username: z.string().min(1), name: z.string() }) });

export async function usersMe(http: XHttp, accessToken: string): Promise<{ id: string; username: string; name: string }> {
  const { data } = await http.request({ method: 'GET', path: '/2/users/me', bearer: accessToken }, MeAnswer);
  return data.data;
}
