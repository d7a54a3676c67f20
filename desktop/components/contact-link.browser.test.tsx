/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { render } from 'preact';
import type { Contact } from '../../protocol/index.ts';
import { setLocale } from '../i18n/index.ts';
import { waitFor } from '../../widget/testing/wait-for.ts';
import { CONVERSATION_ID, FakeAgentClient } from '../testing/fakes.ts';
import { ContactLink } from './contact-link.tsx';

const X_CONTACT = '22222222-2222-4222-8222-2222222222a1';
const MARIE = '22222222-2222-4222-8222-2222222222b2';

describe('Linking an X contact to an existing contact', () => {
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
  const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`);

  it('searches the website\'s contacts (not itself), links into the chosen one and reloads', async () => {
    const client = new FakeAgentClient();
    client.respond('contacts:search', async () => ({
      contacts: [
        { contact: { id: X_CONTACT, name: 'Jo', email: null, verified: false }, conversationId: CONVERSATION_ID, lastMessage: null, open: false },
        { contact: { id: MARIE, name: 'Marie Curie', email: 'marie@example.com', verified: true }, conversationId: CONVERSATION_ID, lastMessage: null, open: false },
      ],
    }));
    client.respond('contact:link', async () => ({ contact: { id: MARIE } as Contact }));
    const linked: string[] = [];
    render(<ContactLink client={client} contactId={X_CONTACT} onLinked={(into) => void linked.push(into)} />, container);
    $('contact-link-open')!.click();
    const query = (await waitFor(() => $('contact-link-query'), { what: 'the search box' })) as HTMLInputElement;
    query.focus();
    await sendKeys({ type: 'marie' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => container.querySelectorAll('[data-testid="contact-link-into"]').length === 1, { what: 'one candidate, not the X contact itself' });
    expect(client.callsOf('contacts:search')[0]).to.deep.include({ query: 'marie', visibility: 'private' });
    $('contact-link-into')!.click();
    await waitFor(() => linked.length === 1, { what: 'linked' });
    expect(client.callsOf('contact:link')).to.deep.equal([{ contactId: X_CONTACT, intoContactId: MARIE }]);
    expect(linked).to.deep.equal([MARIE]);
    expect($('contact-link-message')!.textContent).to.contain('Marie Curie');
  });
});
