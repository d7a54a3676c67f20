/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { render } from 'preact';
import { setLocale } from '../i18n/index.ts';
import { CONVERSATION_ID, ME, agentMessage, textMessage } from '../testing/fakes.ts';
import type { Message } from '../../protocol/index.ts';
import { Transcript } from './transcript.tsx';

describe('Transcript', () => {
  let container: HTMLElement;
  beforeEach(() => {
    setLocale('en');
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => {
    render(null, container);
    container.remove();
  });

  it('shows message text literally, never as HTML', () => {
    const hostile = '<b>bold</b><img src=x onerror="window.__pwned=1">';
    render(<Transcript messages={[textMessage(1, hostile)]} pending={[]} meId={ME.id} label="t" />, container);
    const bubble = container.querySelector('[data-testid="transcript-row"] .bubble')!;
    expect(bubble.textContent).to.equal(hostile);
    expect(bubble.querySelector('b')).to.equal(null);
    expect(container.querySelector('img')).to.equal(null);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('marks each row with its author kind and names the authors', () => {
    const joined: Message = {
      kind: 'event',
      id: '55555555-5555-4555-8555-555555555555',
      conversationId: textMessage(1, 'x').conversationId,
      seq: 2,
      clientId: null,
      author: { kind: 'system', id: null, name: null },
      createdAt: '2025-01-01T10:02:00.000Z',
      event: { type: 'agent_joined', actorName: 'Grace Hopper' },
    };
    const messages = [textMessage(1, 'Hello?', { author: { kind: 'visitor', id: null, name: 'Marie' } }), joined, agentMessage(3, 'Hi Marie', crypto.randomUUID())];
    render(<Transcript messages={messages} pending={[]} meId={ME.id} label="t" />, container);
    const rows = [...container.querySelectorAll<HTMLElement>('[data-testid="transcript-row"]')];
    expect(rows.map((row) => row.dataset.authorKind)).to.deep.equal(['visitor', 'system', 'agent']);
    expect(rows[0]!.textContent).to.contain('Marie');
    expect(rows[1]!.textContent).to.contain('Grace Hopper joined');
    expect(rows[2]!.querySelector('.author')!.textContent).to.equal('You');
  });

  it('shows pending sends after the stored messages, marked as sending', () => {
    render(
      <Transcript messages={[textMessage(1, 'Hello')]} pending={[{ clientId: 'c1', conversationId: CONVERSATION_ID, text: 'On my way', createdAt: new Date().toISOString(), status: 'sending' }]} meId={ME.id} label="t" />,
      container,
    );
    const last = [...container.querySelectorAll<HTMLElement>('[data-testid="transcript-row"]')].at(-1)!;
    expect(last.dataset.pending).to.equal('true');
    expect(last.textContent).to.contain('On my way');
    expect(last.textContent).to.contain('Sending…');
  });
});
