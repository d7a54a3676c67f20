/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { locale } from '../i18n/index.ts';
import { agentMessage, textMessage } from '../testing/fakes.ts';
import { chatAsText } from './chat-text.ts';

describe('chatAsText (Copy whole chat)', () => {
  it('starts with who, when and which queue, then one readable line per message', () => {
    locale.value = 'en';
    const first = textMessage(1, 'Where is my order?', { createdAt: '2026-11-21T10:04:00.000Z' });
    const reply = agentMessage(2, 'It ships <b>today</b>.', '0b9f7f5e-0000-4000-8000-000000000001');
    const text = chatAsText([first, reply], 'Visitor 1a2b3c', 'General');
    const [header, blank, ...lines] = text.split('\n');
    expect(header).to.equal('Chat with Visitor 1a2b3c · November 21, 2026 · General');
    expect(blank).to.equal('');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^\[.+\] Visitor 1a2b3c: Where is my order\?$/);
    expect(lines[1]).to.match(/: It ships <b>today<\/b>\.$/);
  });
});
