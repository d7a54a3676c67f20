import type { ConversationSummary, Message } from '../../protocol/index.ts';
import { createDesk, type Desk } from '../state/desk.ts';
import { memoryOutboxStorage } from '../state/outbox-storage.ts';
import { CONVERSATION_ID, ME, summary, textMessage, type FakeAgentClient } from './fakes.ts';

/**
 * A desk on a fake socket, connected, with one conversation open (by default a web chat with one visitor
 * message). `ids`: the client ids the desk hands out, in order (random once used up).
 */
export async function openDesk(
  client: FakeAgentClient,
  { conversation = summary(), messages = [textMessage(1, 'Hello, my order is late')], ids = [] }: { conversation?: ConversationSummary; messages?: Message[]; ids?: string[] } = {},
): Promise<Desk> {
  client
    .respond('conversations:list', async () => ({ waiting: [], mine: [conversation] }))
    .respond('conversation:open', async () => ({ conversation, messages, hasMore: false }))
    .respond('typing', async () => ({}));
  const desk = createDesk(client, ME, { newId: () => ids.shift() ?? crypto.randomUUID(), outboxStorage: memoryOutboxStorage() });
  client.setState('connected');
  await desk.open(CONVERSATION_ID);
  return desk;
}
