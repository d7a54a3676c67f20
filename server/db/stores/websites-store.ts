import { eq } from 'drizzle-orm';
import type { WidgetConfig } from '../../../protocol/index.ts';
import type { Tx } from '../client.ts';
import { websites, type WebsiteRow, type WebsiteTheme } from '../schema.ts';

export async function websiteByKey(tx: Tx, key: string): Promise<WebsiteRow | null> {
  const [row] = await tx.select().from(websites).where(eq(websites.key, key));
  return row ?? null;
}

export async function websiteById(tx: Tx, id: string): Promise<WebsiteRow | null> {
  const [row] = await tx.select().from(websites).where(eq(websites.id, id));
  return row ?? null;
}

export interface WebsiteInput {
  key: string;
  name: string;
  allowedOrigins: string[];
  defaultLocale?: WidgetConfig['locale'];
  theme?: WebsiteTheme;
}

/** Creates the website, or refreshes name and origins when the key exists (seeding is re-run at every start). */
export async function upsertWebsite(tx: Tx, input: WebsiteInput): Promise<WebsiteRow> {
  const [row] = await tx
    .insert(websites)
    .values(input)
    .onConflictDoUpdate({ target: websites.key, set: { name: input.name, allowedOrigins: input.allowedOrigins } })
    .returning();
  return row!;
}

export function toWidgetConfig(row: WebsiteRow): WidgetConfig {
  return { websiteKey: row.key, name: row.name, locale: row.defaultLocale, theme: { primaryColor: row.theme.primaryColor } };
}
