import { z } from 'zod';
import { Website, XAccountAnswer, XAccountList, XConnectAnswer, type XAccount, type XCapabilities } from '../../../protocol/index.ts';
import { apiRequest } from '../../api/http.ts';

/** Admin › Channels over REST (server/http/routes/x-channels.ts). */
const WebsiteList = z.object({ websites: z.array(Website) });

export const channelsApi = {
  websites: async () => (await apiRequest('GET', '/websites', WebsiteList)).websites,
  xAccounts: () => apiRequest('GET', '/channels/x/accounts', XAccountList),
  connect: async (websiteId: string) => (await apiRequest('POST', '/channels/x/connect', XConnectAnswer, { websiteId })).authorizeUrl,
  disconnect: (id: string) => apiRequest('DELETE', `/channels/x/accounts/${encodeURIComponent(id)}`, null),
  revalidate: async (id: string): Promise<XAccount> => (await apiRequest('POST', `/channels/x/accounts/${encodeURIComponent(id)}/webhook/revalidate`, XAccountAnswer)).account,
  setCapabilities: async (id: string, patch: Partial<XCapabilities>): Promise<XAccount> =>
    (await apiRequest('PATCH', `/channels/x/accounts/${encodeURIComponent(id)}/capabilities`, XAccountAnswer, patch)).account,
};

/** Leaving for X's authorization page (a seam for the browser test, which must not navigate away). */
export const navigation = { go: (url: string) => void window.location.assign(url) };
