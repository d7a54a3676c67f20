/**
 * The whole data model, for the stores and drizzle-kit (drizzle.config.ts). Each file of tables/
 * holds one area and imports only the tables it references, so no table module imports this one
 * (no import cycle); this file only re-exports them.
 */
export * from './tables/core.ts';
export * from './tables/routing.ts';
export * from './tables/webhooks.ts';
export * from './tables/desk.ts';
export * from './tables/attachments.ts';
export * from './tables/bots.ts';
export * from './tables/privacy.ts';
export * from './tables/channels.ts';
export * from './tables/x-dm.ts';
export * from './tables/engagement.ts';
