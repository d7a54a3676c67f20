/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { Attachment, Message } from '../../protocol/index.ts';
import { ApiError } from '../api/api-error.ts';
import { setLocale } from '../i18n/index.ts';
import { mountDesk, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { CONVERSATION_ID, FakeAgentClient, agentMessage, deferred, settle, summary } from '../testing/fakes.ts';
import { memoryOutboxStorage } from './outbox-storage.ts';
import { MAX_ATTEMPTS } from './outbox.ts';

/** What the server stored, by client id: a resend of a known id answers the stored message (as the real server does). */
function idempotentServer(client: FakeAgentClient) {
  const stored = new Map<string, Message>();
  client.respond('message:send', async (input) => {
    const known = stored.get(input.clientId);
    if (known) return { message: known };
    const message = agentMessage(2 + stored.size, input.text, input.clientId);
    stored.set(input.clientId, message);
    return { message };
  });
  return stored;
}

const sentTexts = (ui: MountedDesk) => (ui.client.callsOf('message:send') as { clientId: string; text: string }[]).map((send) => send.text);

/** The transcript's rows after the visitor's first message: text and state ("stored" or the outbox's). */
const rows = (ui: MountedDesk) =>
  ui.$$('transcript-row')
    .slice(1)
    .map((row) => `${row.querySelector('.bubble')?.textContent ?? ''} [${row.dataset.status ?? 'stored'}]`);

describe('the desktop outbox', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
    setLocale('en');
  });

  async function chat(options: Parameters<typeof mountDesk>[0] = {}) {
    ui = await mountDesk({ mine: [summary()], ...options });
    ui.client.respond('sync', async () => ({ conversationId: CONVERSATION_ID, events: [], lastSeq: 1, hasMore: false }));
    await ui.openChat();
    return ui;
  }

  const send = (text: string) => {
    ui!.desk.editDraft(CONVERSATION_ID, text);
    ui!.desk.sendDraft(CONVERSATION_ID);
  };

  it('holds what the agent writes while the desk reconnects, says "Sending…", then sends each once, in order', async () => {
    const ui = await chat();
    idempotentServer(ui.client);
    ui.client.setState('reconnecting');
    send('One');
    send('Two');
    send('Three');
    await until(() => rows(ui).length === 3, 'three pending rows');
    expect(rows(ui)).to.deep.equal(['One [sending]', 'Two [sending]', 'Three [sending]']);
    expect(ui.$$('outbox-status').map((s) => s.textContent)).to.deep.equal(['Sending…', 'Sending…', 'Sending…']);
    expect(ui.client.callsOf('message:send')).to.have.length(0);
    expect(ui.desk.drafts.value[CONVERSATION_ID]).to.equal('');

    ui.client.setState('connected');
    await until(() => rows(ui).every((row) => row.endsWith('[stored]')) && rows(ui).length === 3, 'all three stored');
    expect(rows(ui)).to.deep.equal(['One [stored]', 'Two [stored]', 'Three [stored]']);
    expect(sentTexts(ui)).to.deep.equal(['One', 'Two', 'Three']);
  });

  it('sends one message at a time per conversation, and resends a lost answer with the same client id, shown once', async () => {
    const ui = await chat();
    const first = deferred<{ message: Message }>();
    let calls = 0;
    const stored = new Map<string, Message>();
    ui.client.respond('message:send', async (input) => {
      calls += 1;
      // The first attempt is stored, then its answer is lost with the connection.
      if (calls === 1) {
        stored.set(input.clientId, agentMessage(2, input.text, input.clientId));
        return first.promise;
      }
      const message = stored.get(input.clientId) ?? agentMessage(2 + stored.size, input.text, input.clientId);
      stored.set(input.clientId, message);
      return { message };
    });
    send('First');
    send('Second');
    await settle();
    expect(sentTexts(ui)).to.deep.equal(['First']); // Second waits its turn

    first.reject(new ApiError('UNAVAILABLE'));
    await until(() => ui.timers.delays().length === 1, 'a retry with backoff');
    expect(ui.timers.delays()[0]).to.be.within(500, 1000);
    expect(sentTexts(ui)).to.deep.equal(['First']);

    ui.timers.runAll();
    await until(() => rows(ui).length === 2 && rows(ui).every((row) => row.endsWith('[stored]')), 'both stored');
    const sends = ui.client.callsOf('message:send') as { clientId: string }[];
    expect(sends.map((s) => s.clientId)).to.deep.equal([sends[0]!.clientId, sends[0]!.clientId, sends[2]!.clientId]);
    // The live copy of the first message arrives too: still one row each.
    ui.client.push('message', stored.get(sends[0]!.clientId)!);
    await settle();
    expect(rows(ui)).to.deep.equal(['First [stored]', 'Second [stored]']);
  });

  it('shows a refused message as not sent (in words) with Retry and Delete, and lets the next one go', async () => {
    const ui = await chat();
    let refuse = true;
    ui.client.respond('message:send', async (input) => {
      if (refuse && input.text === 'Refused') throw new ApiError('FORBIDDEN');
      return { message: agentMessage(input.text === 'Refused' ? 3 : 2, input.text, input.clientId) };
    });
    send('Refused');
    send('Next');
    await until(() => rows(ui).includes('Next [stored]') && rows(ui).includes('Refused [failed]'), 'one failed, one stored');
    const failed = ui.$$('transcript-row').find((row) => row.dataset.status === 'failed')!;
    expect(failed.querySelector('[data-testid="outbox-status"]')!.textContent).to.match(/^Not sent: /);

    setLocale('fr');
    await until(() => failed.querySelector('[data-testid="outbox-retry"]')!.textContent === 'Réessayer', 'French');
    expect(failed.querySelector('[data-testid="outbox-status"]')!.textContent).to.match(/^Non envoyé : |^Non envoyé: /);
    setLocale('en');

    refuse = false;
    (failed.querySelector('[data-testid="outbox-retry"]') as HTMLElement).click();
    await until(() => rows(ui).includes('Refused [stored]'), 'the retried message stored');
    expect(ui.$('outbox-retry')).to.equal(null);
  });

  it('gives up on a message the server keeps failing while connected (after 8 tries), and lets the next one go', async () => {
    const ui = await chat();
    ui.client.respond('message:send', async (input) => {
      if (input.text === 'Cursed') throw new ApiError('UNAVAILABLE');
      return { message: agentMessage(2, input.text, input.clientId) };
    });
    send('Cursed');
    send('Fine');
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      await until(() => ui.timers.delays().length === 1, `retry ${attempt}`);
      expect(rows(ui)).to.deep.equal(['Cursed [sending]', 'Fine [sending]']);
      ui.timers.runAll();
    }
    await until(() => rows(ui).includes('Fine [stored]'), 'the next message stored');
    expect(rows(ui)).to.deep.equal(['Fine [stored]', 'Cursed [failed]']);
    expect(ui.client.callsOf('message:send')).to.have.length(MAX_ATTEMPTS + 1);
  });

  it('holds an uploaded image while the desk reconnects, then sends it once', async () => {
    const attachment: Attachment = { id: '99999999-3333-4000-8000-000000000001', conversationId: CONVERSATION_ID, name: 'box.png', type: 'image/png', size: 4, width: 1, height: 1, url: '/api/v1/attachments/99999999-3333-4000-8000-000000000001' };
    const ui = await chat({ upload: async () => attachment });
    ui.client.respond('message:send', async (input) => ({
      message: { kind: 'image', id: '44444444-4444-4444-8444-999999999999', conversationId: CONVERSATION_ID, seq: 2, clientId: input.clientId, author: { kind: 'agent', id: null, name: 'Ada' }, createdAt: '2025-01-01T10:02:00.000Z', text: '', attachment },
    }));
    ui.client.setState('reconnecting');
    await ui.desk.sendImage(CONVERSATION_ID, new File([new Uint8Array([137, 80, 78, 71])], 'box.png', { type: 'image/png' }));
    await until(() => rows(ui).length === 1, 'the pending image');
    expect(rows(ui)).to.deep.equal(['Image: box.png [sending]']);
    ui.client.setState('connected');
    await until(() => ui.$('message-image') !== null && rows(ui).length === 1, 'the image stored');
    expect(ui.client.callsOf('message:send')).to.have.length(1);
    expect(ui.client.callsOf('message:send')[0]).to.include({ attachmentId: attachment.id });
  });

  it('says so when a message is refused in a conversation the agent is not looking at', async () => {
    const ui = await chat();
    ui.client.respond('message:send', async () => Promise.reject(new ApiError('CONVERSATION_NOT_ACTIVE')));
    ui.client.setState('reconnecting');
    send('Sent from the tunnel');
    ui.desk.view.value = 'sessions';
    ui.client.setState('connected');
    await until(() => (ui.$('desk-notice')?.textContent ?? '').includes('was not sent'), 'the notice');
    expect(ui.$('desk-notice')!.textContent).to.include('A message to Visitor');
  });

  it('deletes a refused message on Delete, without sending it again', async () => {
    const ui = await chat();
    ui.client.respond('message:send', async () => Promise.reject(new ApiError('CONVERSATION_NOT_ACTIVE')));
    send('Too late');
    await until(() => ui.$('outbox-delete') !== null, 'the Delete button');
    ui.$('outbox-delete')!.click();
    await until(() => rows(ui).length === 0, 'the row gone');
    expect(ui.client.callsOf('message:send')).to.have.length(1);
  });

  it('keeps unsent messages across a reload and sends them once connected; logging out forgets them', async () => {
    const storage = memoryOutboxStorage();
    let ui = await chat({ outboxStorage: storage });
    ui.client.setState('reconnecting');
    send('Written during the outage');
    await until(() => storage.saved().length === 1, 'the entry stored');
    ui.unmount();

    // The reload: a new desk on the same storage, sending as soon as it connects.
    ui = await chat({ outboxStorage: storage, prepare: (client) => idempotentServer(client) });
    await until(() => rows(ui).includes('Written during the outage [stored]'), 'the message stored after the reload');
    expect(sentTexts(ui)).to.deep.equal(['Written during the outage']);
    expect(storage.saved()).to.deep.equal([]);

    ui.client.setState('reconnecting');
    send('Never sent');
    await until(() => storage.saved().length === 1, 'the entry stored');
    // Closing the tab now would lose it: the browser is asked to confirm.
    const closing = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(closing);
    expect(closing.defaultPrevented).to.equal(true);
    ui.$('logout')!.click();
    expect(storage.saved()).to.deep.equal([]);
  });
});
