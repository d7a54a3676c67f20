import { signal } from '@preact/signals';
import { render } from 'preact';
import type { AgentState } from '../../protocol/index.ts';
import { DeskScreen } from '../components/workspace.tsx';
import { setLocale } from '../i18n/index.ts';
import { createDesk, type Desk } from '../state/desk.ts';
import { memoryDraftStorage, type DraftStorage } from '../state/drafts-storage.ts';
import { memoryOutboxStorage, type OutboxStorage } from '../state/outbox-storage.ts';
import type { Uploader } from '../api/attachments.ts';
import { CONVERSATION_ID, FakeAgentClient, FakeClock, ManualTimers, ME, RecordingAlert, catalog, settle, summary, textMessage } from './fakes.ts';

export const READY_CHAT: AgentState['presence'][number] = { channel: 'chat', state: 'ready', reason: null, since: '2025-01-01T09:00:00.000Z' };

/** A whole workspace on a fake socket and clock, rendered into the page, connected. */
export async function mountDesk(
  options: { state?: Partial<AgentState>; mine?: ReturnType<typeof summary>[]; storage?: DraftStorage; outboxStorage?: OutboxStorage; upload?: Uploader; clock?: FakeClock; prepare?: (client: FakeAgentClient) => void } = {},
) {
  setLocale('en');
  const client = new FakeAgentClient();
  const clock = options.clock ?? new FakeClock();
  const focused = signal(true);
  const titleCounts: number[] = [];
  const alert = new RecordingAlert();
  const timers = new ManualTimers();
  const mine = options.mine ?? [];
  client
    .respond('conversations:list', async () => ({ waiting: [], mine }))
    .respond('agent:state', async () => ({ presence: [READY_CHAT], channels: ['chat'], maxConcurrent: 5, offers: [], ...options.state }))
    .respond('conversation:open', async () => ({ conversation: summary(), messages: [textMessage(1, 'Hello, my order is late')], hasMore: false }))
    .respond('typing', async () => ({}))
    .respond('read', async () => ({}))
    .respond('catalog:get', async () => catalog());
  const desk: Desk = createDesk(client, ME, {
    clock,
    alert,
    focused,
    storage: options.storage ?? memoryDraftStorage(),
    outboxStorage: options.outboxStorage ?? memoryOutboxStorage(),
    schedule: timers.schedule,
    upload: options.upload,
    setTitleCount: (count) => titleCounts.push(count),
  });
  const container = document.createElement('div');
  document.body.append(container);
  render(<DeskScreen desk={desk} onLogout={() => undefined} onOffline={() => undefined} />, container);
  options.prepare?.(client);
  client.setState('connected');
  await settle();
  await settle();

  const $ = <E extends Element = HTMLElement>(testid: string) => container.querySelector<E & HTMLElement>(`[data-testid="${testid}"]`);
  const $$ = (testid: string) => [...container.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)];
  return {
    client,
    clock,
    alert,
    /** The outbox's retry timers, run by hand. */
    timers,
    desk,
    container,
    /** Window focus as the desk sees it. */
    focused,
    /** Every unread total sent to the window title. */
    titleCounts,
    $,
    $$,
    /** Opens the default conversation (mine, active). */
    openChat: async () => {
      await desk.open(CONVERSATION_ID);
      await settle();
    },
    unmount: () => {
      render(null, container);
      container.remove();
      desk.dispose();
    },
  };
}

export type MountedDesk = Awaited<ReturnType<typeof mountDesk>>;

/** Lets signal updates re-render (Preact batches renders on a microtask/timeout). */
export const rerender = async () => {
  await settle();
  await settle();
};

/** Polls until `check` holds (effects run after paint, so a fixed number of ticks is not enough). */
export async function until(check: () => boolean, what = 'condition', timeoutMs = 2000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
