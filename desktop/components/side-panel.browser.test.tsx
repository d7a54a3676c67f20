/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import { ApiError } from '../api/api-error.ts';
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { CONTACT, card, history, summary, textMessage } from '../testing/fakes.ts';
import { splitHits } from './history-search.ts';

describe('Conversation tab and contact panel', () => {
  let ui: MountedDesk | null = null;
  afterEach(() => {
    ui?.unmount();
    ui = null;
  });

  async function openWithHistory() {
    ui = await mountDesk({ mine: [summary()] });
    ui.client.respond('contact:history', async () => history());
    await ui.openChat();
    await until(() => ui!.$$('session-header').length === 2, 'the session headers');
    return ui;
  }

  it('splits text around hits as plain text, case-insensitively', () => {
    expect(splitHits('Parcel <b>late</b>, parcel lost', 'PARCEL', 3)).to.deep.equal([
      { text: 'Parcel', hit: 3 },
      { text: ' <b>late</b>, ', hit: null },
      { text: 'parcel', hit: 4 },
      { text: ' lost', hit: null },
    ]);
  });

  it('shows every session with a header and searches with highlighted hits, next and previous', async () => {
    const ui = await openWithHistory();
    // Previous session (date, queue, agent, wrap-up code), then the current one.
    expect(ui.$$('session-header')[0]!.textContent).to.contain('General').and.contain('Ada Lovelace').and.contain('resolved');
    expect(ui.$$('session-header')[1]!.textContent).to.contain('Active');
    // The chat ends: the current session's header follows it live, without a reload.
    ui.client.push('conversation:updated', summary({ session: { ...summary().session!, state: 'wrap_up', endedBy: 'agent' } }));
    await until(() => ui.$$('session-header')[1]!.textContent!.includes('Wrap-up'), 'the wrap-up header');

    ui.$('history-search')!.focus();
    await sendKeys({ type: 'parcel' });
    await rerender();
    const hits = () => ui.$$('history-hit');
    expect(hits().map((el) => el.tagName)).to.deep.equal(['MARK', 'MARK', 'MARK']);
    expect(hits().map((el) => el.textContent)).to.deep.equal(['parcel', 'parcel', 'parcel']);
    const current = () => hits().findIndex((el) => el.dataset.current === 'true');
    expect(ui.$('history-count')!.textContent).to.equal('1 of 3');
    expect(current()).to.equal(0);

    ui.$('history-next')!.click();
    await rerender();
    expect(ui.$('history-count')!.textContent).to.equal('2 of 3');
    expect(current()).to.equal(1);
    ui.$('history-prev')!.click();
    ui.$('history-prev')!.click();
    await rerender();
    // Previous from the first wraps to the last.
    expect(ui.$('history-count')!.textContent).to.equal('3 of 3');
    expect(current()).to.equal(2);

    (ui.$('history-search') as HTMLInputElement).value = '';
    await sendKeys({ type: 'zebra' });
    await rerender();
    expect(hits()).to.have.length(0);
    expect(ui.$('history-count')!.textContent).to.equal('No match');
  });

  it('reloads the history when the contact comes back in a new session: earlier headers show how they ended', async () => {
    const ui = await openWithHistory();
    expect(ui.client.callsOf('contact:history')).to.have.length(1);
    const next = '55555555-5555-4555-8555-000000000003';
    const base = history();
    ui.client.respond('contact:history', async () =>
      history({
        sessions: [base.sessions[0]!, card({ state: 'closed', colour: 'grey', wrapUpCode: 'sale', endedAt: '2025-01-01T10:20:00.000Z' }), card({ sessionId: next, startedAt: '2025-01-02T09:00:00.000Z' })],
        messages: [...base.messages, { ...textMessage(5, 'Back again'), sessionId: next }],
        lastSeq: 5,
      }),
    );
    ui.client.push('conversation:updated', summary({ session: { ...summary().session!, id: next } }));
    await until(() => ui.$$('session-header').length === 3, 'the new session header');
    expect(ui.client.callsOf('contact:history')).to.have.length(2);
    const headers = ui.$$('session-header').map((el) => el.textContent!);
    expect(headers[1]).to.contain('sale').and.not.contain('Active');
    expect(headers[2]).to.contain('Active');
    // Same session again: no further reload.
    ui.client.push('conversation:updated', summary({ session: { ...summary().session!, id: next }, lastSeq: 5 }));
    await rerender();
    expect(ui.client.callsOf('contact:history')).to.have.length(2);
  });

  it('never interprets message text as HTML', async () => {
    ui = await mountDesk({ mine: [summary()] });
    const base = history();
    ui.client.respond('contact:history', async () => ({ ...base, messages: [{ ...base.messages[0]!, kind: 'text', text: '<img src=x onerror=alert(1)> parcel' } as never] }));
    await ui.openChat();
    await until(() => ui!.$$('session-header').length === 1, 'the history');
    (ui.$('history-search') as HTMLInputElement).focus();
    await sendKeys({ type: 'img' });
    await rerender();
    expect(ui.container.querySelector('.history img')).to.equal(null);
    expect(ui.$('history-hit')!.textContent).to.equal('img');
  });

  it('edits the contact with validation, verifies by hand and follows live updates', async () => {
    const ui = await openWithHistory();
    ui.$('tab-contact')!.click();
    await until(() => ui.$('contact-name') !== null, 'the contact panel');
    expect((ui.$('contact-name') as HTMLInputElement).value).to.equal('Marie Curie');
    expect(ui.$('contact-attributes')!.textContent).to.contain('order').and.contain('A-1042');
    expect(ui.$('contact-verified')!.dataset.verified).to.equal('false');

    const phone = ui.$('contact-phone') as HTMLInputElement;
    phone.value = 'call me';
    phone.dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();
    ui.$('contact-save')!.click();
    await rerender();
    await until(() => phone.getAttribute('aria-invalid') === 'true', 'the phone error');
    expect(phone.parentElement!.textContent).to.contain('Enter a valid phone number');
    expect(ui.client.callsOf('contact:update')).to.have.length(0);

    ui.client.respond('contact:update', async ({ patch }) => ({ contact: { ...CONTACT, ...patch } as typeof CONTACT }));
    phone.value = '+33 1 23 45 67 89';
    phone.dispatchEvent(new Event('input', { bubbles: true }));
    await rerender();
    ui.$('contact-save')!.click();
    await until(() => ui.client.callsOf('contact:update').length === 1, 'the save');
    expect(ui.client.callsOf('contact:update')).to.deep.equal([
      { contactId: CONTACT.id, patch: { name: 'Marie Curie', email: 'marie@example.com', phone: '+33 1 23 45 67 89' } },
    ]);
    await until(() => phone.getAttribute('aria-invalid') === null, 'the error to clear');
    expect(ui.container.querySelector('.contact-panel [role=status]')!.textContent).to.equal('Saved.');

    ui.client.respond('contact:verify', async ({ verified }) => ({ contact: { ...CONTACT, verified } }));
    ui.$('contact-verify')!.click();
    await until(() => ui.$('contact-verified')!.dataset.verified === 'true', 'verified');
    expect(ui.client.callsOf('contact:verify')).to.deep.equal([{ contactId: CONTACT.id, verified: true }]);

    // Someone else renames the contact: the panel follows.
    ui.client.push('contact:updated', { ...CONTACT, verified: true, name: 'Marie Skłodowska-Curie' });
    await until(() => (ui.$('contact-name') as HTMLInputElement).value === 'Marie Skłodowska-Curie', 'the live update');
    // …and so do the chat's header and its tab, without a reload.
    await until(() => ui.container.querySelector('#pane-title')!.textContent === 'Marie Skłodowska-Curie', 'the chat header');
    expect(ui.$('contact-tab')!.textContent).to.contain('Marie Skłodowska-Curie');

    ui.client.respond('contact:verify', async () => {
      throw new ApiError('FORBIDDEN');
    });
    ui.$('contact-verify')!.click();
    await until(() => ui.container.querySelector('.contact-panel [role=alert]')!.textContent !== '', 'the error');
    expect(ui.container.querySelector('.contact-panel [role=alert]')!.textContent).to.equal('You are not allowed to do this.');
    expect(ui.$('contact-verified')!.dataset.verified).to.equal('true');
  });
});
