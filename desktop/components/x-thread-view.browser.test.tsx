/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { render } from 'preact';
import type { Message, PublicThreads } from '../../protocol/index.ts';
import { ApiError } from '../api/api-error.ts';
import { setLocale } from '../i18n/index.ts';
import { waitFor } from '../../widget/testing/wait-for.ts';
import { CONVERSATION_ID, FakeAgentClient, ME, history, summary, textMessage } from '../testing/fakes.ts';
import { mountDesk, until } from '../testing/desk-harness.tsx';
import { XThreadView } from './x-thread-view.tsx';

const THREAD = '11111111-1111-4111-8111-111111111111';
const BRAND = { xUserId: '17200003', username: 'KettleLeaf', name: 'Kettle & Leaf' };

function post(seq: number, text: string, x: NonNullable<Message['x']>, author: Message['author'] = { kind: 'visitor', id: 'c', name: 'Jo' }): Message {
  return textMessage(seq, text, { author, x: { postedAt: new Date(Date.UTC(2026, 6, 24, 21, seq)).toISOString(), ...x } });
}

function threads(overrides: Partial<PublicThreads> = {}, capabilities = { likes: false, unsummonedReplies: false }): PublicThreads {
  return {
    contact: { id: '22222222-2222-4222-8222-222222222222', name: 'Jo' },
    xUser: { id: '944480690', username: 'jo', name: 'Jo' },
    account: { ...BRAND, capabilities },
    threads: [
      {
        conversationId: THREAD,
        rootPostId: '100',
        open: true,
        posts: [
          post(1, 'hey @KettleLeaf my tea is cold <b>hot</b>', { postId: '100', inReplyToPostId: null, authorXId: '944480690', username: 'jo', summonedBrand: true }),
          post(3, 'also the lid', { postId: '102', inReplyToPostId: '101', authorXId: '944480690', username: 'jo', summonedBrand: false }),
          post(2, 'So sorry!', { postId: '101', inReplyToPostId: '100', authorXId: BRAND.xUserId, username: BRAND.username }, { kind: 'agent', id: ME.id, name: ME.name }),
        ],
      },
    ],
    ...overrides,
  };
}

describe('X public threads and the reply-length ring', () => {
  let container: HTMLElement;
  let client: FakeAgentClient;
  beforeEach(() => {
    setLocale('en');
    client = new FakeAgentClient();
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => {
    render(null, container);
    container.remove();
  });

  const $ = (id: string, root: ParentNode = container) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const postEl = (postId: string) => container.querySelector<HTMLElement>(`[data-testid="x-post"][data-post-id="${postId}"]`)!;
  const mount = async (data: PublicThreads) => {
    client.respond('x:threads', async () => data);
    render(<XThreadView client={client} conversationId={THREAD} />, container);
    await waitFor(() => $('x-threads'), { what: 'the threads' });
  };

  it('indents each reply under the post it answers, with author, @handle linking to x.com and text as text', async () => {
    await mount(threads());
    const root = postEl('100');
    const brandReply = root.querySelector<HTMLElement>(':scope > ul > [data-post-id="101"]')!;
    expect(brandReply, 'the brand reply nested under the mention').to.exist;
    expect(brandReply.querySelector(':scope > ul > [data-post-id="102"]'), 'the answer to our reply nested under it').to.exist;
    const link = root.querySelector<HTMLAnchorElement>('a')!;
    expect(link.href).to.equal('https://x.com/jo');
    expect(link.rel).to.include('noopener');
    expect(root.querySelector('.x-post-text')!.textContent).to.equal('hey @KettleLeaf my tea is cold <b>hot</b>');
    expect(root.querySelector('b')).to.equal(null);
    expect(brandReply.querySelector('.x-post-name')!.textContent).to.equal('Kettle & Leaf');
  });

  it('shows where a reply not yet on X stands: waiting, held by X\'s limit, or refused with the reason', async () => {
    const data = threads();
    const ours = (seq: number, text: string, xDelivery?: Message['xDelivery']) => ({
      ...post(seq, text, { inReplyToPostId: '100', authorXId: BRAND.xUserId, username: BRAND.username }, { kind: 'agent', id: ME.id, name: ME.name }),
      ...(xDelivery ? { xDelivery } : {}),
    });
    data.threads[0]!.posts.push(ours(4, 'pending one'), ours(5, 'held one', { state: 'held', retryAt: '2026-07-24T21:40:00.000Z', reason: null }), ours(6, 'refused one', { state: 'refused', retryAt: null, reason: 'Duplicate content' }));
    await mount(data);
    expect(container.querySelectorAll('[data-testid="x-post-pending"]')).to.have.length(1);
    expect($('x-post-held')!.textContent).to.contain('Held');
    expect($('x-post-refused')!.textContent).to.contain('Duplicate content');
    // Nothing to answer or like until X gives it a post id.
    const pending = container.querySelector<HTMLElement>('[data-testid="x-post"][data-post-id=""]')!;
    expect(pending.querySelector(':scope > .x-post-actions')).to.equal(null);
  });

  it('on a self-serve plan: Like disabled with the reason, Reply disabled on a post that did not summon the brand', async () => {
    await mount(threads());
    const like = $('x-like-button', postEl('100')) as HTMLButtonElement;
    expect(like.disabled).to.equal(true);
    expect(like.title).to.contain('Enterprise');
    expect(($('x-reply-button', postEl('100')) as HTMLButtonElement).disabled).to.equal(false);
    const unsummoned = postEl('102').querySelector<HTMLButtonElement>(':scope > .x-post-actions [data-testid="x-reply-button"]')!;
    expect(unsummoned.disabled).to.equal(true);
    expect(unsummoned.title).to.contain('mention or quote');
  });

  it('the ring fills, turns yellow with a countdown for the last 20, then red with Send disabled at 281', async () => {
    await mount(threads());
    $('x-reply-button', postEl('100'))!.click();
    const input = (await waitFor(() => $('x-reply-input'), { what: 'the reply box' })) as HTMLTextAreaElement;
    const send = $('x-reply-send') as HTMLButtonElement;
    const ring = () => $('post-length')!;
    expect(send.disabled, 'empty').to.equal(true);
    input.focus();
    await sendKeys({ type: 'Hello, world! 👋' });
    await waitFor(() => !send.disabled, { what: 'Send enabled' });
    expect(ring().dataset.tone).to.equal('normal');
    expect($('post-length-count')).to.equal(null);

    const type = async (text: string) => {
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await waitFor(() => input.value === text && ring().dataset.tone, { what: 'the ring updated' });
    };
    await type('a'.repeat(265));
    await waitFor(() => ring().dataset.tone === 'warn', { what: 'yellow' });
    expect($('post-length-count')!.textContent).to.equal('15');
    expect(send.disabled).to.equal(false);
    await type('a'.repeat(281));
    await waitFor(() => ring().dataset.tone === 'over', { what: 'red' });
    expect($('post-length-count')!.textContent).to.equal('-1');
    expect(send.disabled).to.equal(true);
    expect(getComputedStyle($('post-length-fill')!).stroke).to.equal('rgb(179, 38, 30)');
    // 140 CJK characters weigh 280: allowed again.
    await type('中'.repeat(140));
    await waitFor(() => !send.disabled, { what: 'Send enabled at exactly 280' });
  });

  it('sends a reply to the post it answers and shows what the server refused', async () => {
    await mount(threads({}, { likes: true, unsummonedReplies: true }));
    client.respond('x:reply', async () => {
      throw new ApiError('X_NOT_ALLOWED', 'X lets this account reply only to posts that mention or quote @KettleLeaf.');
    });
    $('x-reply-button', postEl('102'))!.click();
    const input = (await waitFor(() => $('x-reply-input'), { what: 'the reply box' })) as HTMLTextAreaElement;
    input.focus();
    await sendKeys({ type: 'On it' });
    await waitFor(() => !($('x-reply-send') as HTMLButtonElement).disabled, { what: 'Send enabled' });
    $('x-reply-send')!.click();
    await waitFor(() => $('x-reply-error'), { what: 'the refusal' });
    expect($('x-reply-error')!.textContent).to.contain('@KettleLeaf');
    expect(client.callsOf('x:reply')[0]).to.include({ conversationId: THREAD, inReplyToPostId: '102', text: 'On it' });

    client.respond('x:like', async (input) => ({ postId: input.postId, liked: input.liked }));
    ($('x-like-button', postEl('100')) as HTMLButtonElement).click();
    await waitFor(() => client.callsOf('x:like').length === 1, { what: 'the like' });
    expect(client.callsOf('x:like')[0]).to.deep.equal({ conversationId: THREAD, postId: '100', liked: true });
  });

  it('an accepted public interaction shows the threads in place of the transcript and the message field (seed 000)', async () => {
    const ui = await mountDesk({ mine: [summary({ channel: 'x_public' })] });
    try {
      ui.client.respond('conversation:open', async () => ({ conversation: summary({ channel: 'x_public' }), messages: [], hasMore: false }));
      ui.client.respond('contact:history', async () => history());
      ui.client.respond('x:threads', async () => ({ ...threads(), threads: threads().threads.map((t) => ({ ...t, conversationId: CONVERSATION_ID })) }));
      await ui.openChat();
      await until(() => ui.$$('x-post').length === 3, 'the posts');
      expect(ui.$('composer-input')).to.equal(null);
      expect(ui.$('transcript')).to.equal(null);
      expect(ui.$('x-reply-button')).to.exist;
    } finally {
      ui.unmount();
    }
  });

  it('Communication › Public lists X contacts; the thread view answers there; Move to DM opens the DM conversation in Private', async () => {
    const DM_ID = '11111111-1111-4111-8111-1111111111d3';
    const ui = await mountDesk();
    try {
      const xItem = { contact: { id: '22222222-2222-4222-8222-222222222222', name: 'Jo', email: null, verified: false }, conversationId: CONVERSATION_ID, lastMessage: null, open: false };
      ui.client.respond('contacts:search', async (input) => ({ contacts: input.visibility === 'public' ? [xItem] : [] }));
      ui.client.respond('contact:history', async (input) => ({ ...history(), conversationId: input.conversationId }));
      ui.client.respond('x:threads', async () => ({ ...threads(), threads: threads().threads.map((t) => ({ ...t, conversationId: CONVERSATION_ID })) }));
      ui.client.respond('x:move-to-dm', async () => ({ conversation: summary({ id: DM_ID, channel: 'x_dm' }) }));
      ui.$('tab-communication')!.click();
      await until(() => !!ui.$('visibility-public'), 'the Communication tab');
      ui.$('visibility-public')!.click();
      await until(() => ui.$$('contact-item').length === 1, 'the X contact in Public');
      ui.$('contact-item')!.click();
      await until(() => ui.$$('x-post').length === 3, 'the thread view');
      expect(ui.$('comm-composer')).to.equal(null);
      ui.$('x-move-to-dm')!.click();
      await until(() => ui.$('visibility-private')?.getAttribute('aria-pressed') === 'true', 'back to Private');
      await until(() => ui.client.callsOf('contact:history').some((call) => (call as { conversationId: string }).conversationId === DM_ID), 'the DM conversation selected');
    } finally {
      ui.unmount();
    }
  });
});

