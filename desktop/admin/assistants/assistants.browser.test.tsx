/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { render } from 'preact';
import type { AxeResults, RunOptions } from 'axe-core';
import 'axe-core';
import type { Message } from '../../../protocol/index.ts';
import { Transcript } from '../../components/transcript.tsx';
import { setLocale } from '../../i18n/index.ts';
import { rerender, until } from '../../testing/desk-harness.tsx';
import { GENERAL } from '../../testing/fakes.ts';
import { AssistantsSection } from './assistants-section.tsx';

const axe = (globalThis as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;
const ID = '77777777-7777-4777-8777-777777777777';
const SITE = { id: '33333333-3333-4333-8333-333333333333', key: 'demo-shop', name: 'Demo Shop', allowedOrigins: [], defaultLocale: 'en', primaryColor: '#4f46e5', hasIdentitySecret: false, snippet: '', messageRetentionDays: null, attachmentRetentionDays: null, journeyRetentionDays: 90, trackPages: true, createdAt: '2025-01-01T09:00:00.000Z' };
const QUEUE = { ...GENERAL, channel: 'chat', policy: 'longest_idle', offerTimeoutSec: 45, businessHours: null, wrapUpRequired: false, isDefault: true };
const ASSISTANT = { id: ID, name: 'Helper', brand: null, languages: ['en', 'fr'], status: 'draft', channels: [], publishedVersion: null };
const STARTER = {
  start: 'greeting',
  languages: ['en', 'fr'],
  settings: {},
  steps: [
    { id: 'greeting', kind: 'message', text: { en: 'Hi!', fr: 'Bonjour !' }, next: 'choice' },
    { id: 'choice', kind: 'ask', prompt: { en: 'Talk to us?', fr: 'Nous parler ?' }, allowFreeText: false, options: [
      { id: 'yes', label: { en: 'Yes', fr: 'Oui' }, value: 'yes', next: 'to-agent' },
      { id: 'no', label: { en: 'No', fr: 'Non' }, value: 'no', next: 'bye' },
    ] },
    { id: 'to-agent', kind: 'handoff', queueId: GENERAL.id, message: { en: 'One moment', fr: 'Un instant' } },
    { id: 'bye', kind: 'end' },
  ],
};
const detail = (over: Record<string, unknown> = {}) => ({ assistant: ASSISTANT, draft: STARTER, issues: [], versions: [], ...over });

type Call = { method: string; path: string; body: any };
function stubRest(routes: Record<string, (body: any) => [number, unknown]>) {
  const calls: Call[] = [];
  const original = window.fetch;
  const base: Record<string, (body: any) => [number, unknown]> = {
    'GET /assistants': () => [200, { assistants: [] }],
    'GET /websites': () => [200, { websites: [SITE] }],
    'GET /queues': () => [200, { queues: [QUEUE] }],
    'POST /assistants': () => [201, { assistant: ASSISTANT }],
    [`GET /assistants/${ID}`]: () => [200, detail()],
  };
  window.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input).replace('/api/v1', '');
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    const route = routes[`${method} ${path}`] ?? base[`${method} ${path}`];
    const [status, payload] = route ? route(body) : [404, { error: { code: 'NOT_FOUND', message: 'Not found.' } }];
    return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, restore: () => void (window.fetch = original) };
}

const type = (el: Element, value: string) => {
  (el as HTMLInputElement).value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
};
const choose = (el: Element, value: string) => {
  (el as HTMLSelectElement).value = value;
  el.dispatchEvent(new Event('change', { bubbles: true }));
};

describe('Assistants admin and builder', () => {
  let container: HTMLDivElement;
  let rest: ReturnType<typeof stubRest> | null = null;
  const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const $$ = (id: string) => [...container.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
  const step = (id: string) => container.querySelector<HTMLElement>(`[data-testid="builder-step"][data-step-id="${id}"]`)!;

  beforeEach(() => {
    setLocale('en');
    container = document.createElement('div');
    document.body.append(container);
  });
  afterEach(() => {
    render(null, container);
    container.remove();
    rest?.restore();
    rest = null;
  });

  async function openBuilder(routes: Record<string, (body: any) => [number, unknown]> = {}) {
    rest = stubRest(routes);
    render(<AssistantsSection />, container);
    await until(() => $('assistant-create-form') !== null, 'the create form');
    type($('assistant-name')!, 'Helper');
    ($('assistant-lang-fr') as HTMLInputElement).click();
    await rerender();
    $('assistant-create')!.click();
    await until(() => $$('builder-step').length === 4, 'the starter steps');
    return rest;
  }

  it('creates an assistant and opens the starter draft in the builder', async () => {
    const rest = await openBuilder();
    expect(rest.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ name: 'Helper', languages: ['en', 'fr'] });
    expect($$('builder-step').map((s) => s.dataset.kind)).to.deep.equal(['message', 'ask', 'handoff', 'end']);
    expect(step('greeting').querySelector('[data-testid="builder-start"]')).to.not.equal(null);
  });

  it('adds a message step, connects it, and shows the saved issues on the right step', async () => {
    const rest = await openBuilder({
      [`PUT /assistants/${ID}/draft`]: (body) => [200, detail({ draft: body.definition, issues: [
        { stepId: 'message-5', code: 'MISSING_TEXT', message: 'The text is missing in fr.', level: 'error' },
        { stepId: null, code: 'X', message: 'Something global.', level: 'warning' },
      ] })],
    });
    choose($('builder-add-kind')!, 'message');
    $('builder-add-step')!.click();
    await until(() => $('builder-step-edit') !== null, 'the new step form');
    await rerender();
    const added = step('message-5');
    expect(added.dataset.kind).to.equal('message');
    expect(added.contains(document.activeElement)).to.equal(true);
    type($('step-text-en')!, 'We reply within a day.');
    await rerender();
    const next = $('step-next') as HTMLSelectElement;
    expect([...next.options].map((o) => o.value)).to.include.members(['greeting', 'choice', 'to-agent', 'bye']);
    choose(next, 'bye');
    await rerender();
    $('builder-save')!.click();
    await until(() => $$('builder-issue').length === 2, 'the issues');
    const saved = rest.calls.find((c) => c.method === 'PUT')!.body.definition;
    expect(saved.steps[4]).to.deep.equal({ id: 'message-5', kind: 'message', text: { en: 'We reply within a day.' }, next: 'bye' });
    const onStep = step('message-5').querySelector('[data-testid="builder-issue"]')!;
    expect(onStep.textContent).to.contain('missing in fr');
    const fieldset = step('message-5').querySelector('[data-testid="builder-step-edit"]')!;
    expect(document.getElementById(fieldset.getAttribute('aria-describedby')!)!.textContent).to.contain('missing in fr');
    expect($$('builder-issue').find((i) => i.dataset.stepId === 'definition')!.textContent).to.contain('Something global');
  });

  it('saves a link card on a message step and the flow settings in the PUT body', async () => {
    const rest = await openBuilder({ [`PUT /assistants/${ID}/draft`]: (body) => [200, detail({ draft: body.definition })] });
    step('greeting').querySelector<HTMLElement>('[data-testid="builder-step-open"]')!.click();
    await until(() => $('message-card-url') !== null, 'the card fields');
    type($('message-card-title-en')!, 'Help centre');
    await rerender();
    type($('message-card-title-fr')!, 'Aide');
    await rerender();
    type($('message-card-description-en')!, 'Answers');
    await rerender();
    type($('message-card-url')!, 'https://help.example.com/');
    await rerender();
    type($('settings-reminder')!, '60');
    await rerender();
    type($('settings-close')!, '900');
    await rerender();
    choose($('settings-on-timeout')!, 'handoff');
    await until(() => $('settings-timeout-queue') !== null, 'the timeout queue');
    choose($('settings-timeout-queue')!, GENERAL.id);
    await rerender();
    ($('settings-handoff-enabled') as HTMLInputElement).click();
    await rerender();
    choose($('settings-handoff-queue')!, GENERAL.id);
    await rerender();
    type($('settings-handoff-keywords-en')!, 'human, agent,');
    await rerender();
    type($('settings-handoff-keywords-fr')!, 'humain');
    await rerender();
    type($('settings-handoff-message-en')!, 'Connecting you');
    await rerender();
    $('builder-save')!.click();
    await until(() => rest.calls.some((c) => c.method === 'PUT'), 'the save');
    const saved = rest.calls.find((c) => c.method === 'PUT')!.body.definition;
    expect(saved.steps[0].card).to.deep.equal({ title: { en: 'Help centre', fr: 'Aide' }, description: { en: 'Answers' }, url: 'https://help.example.com/' });
    expect(saved.settings).to.deep.equal({
      reminderAfterSec: 60,
      closeAfterSec: 900,
      onTimeout: 'handoff',
      timeoutQueueId: GENERAL.id,
      humanHandoff: { enabled: false, queueId: GENERAL.id, keywords: { en: ['human', 'agent'], fr: ['humain'] }, message: { en: 'Connecting you' } },
    });
    expect(($('settings-handoff-keywords-en') as HTMLInputElement).value).to.equal('human, agent,');
  });

  it('shows inline errors for a non-http card link and an out-of-range reminder, and saves nothing', async () => {
    const rest = await openBuilder();
    step('greeting').querySelector<HTMLElement>('[data-testid="builder-step-open"]')!.click();
    await until(() => $('message-card-url') !== null, 'the card fields');
    type($('message-card-title-en')!, 'Click me');
    await rerender();
    type($('message-card-url')!, 'javascript:alert(1)');
    await until(() => $('message-card-url-error') !== null, 'the link error');
    expect($('message-card-url-error')!.textContent).to.contain('http://');
    expect($('message-card-url')!.getAttribute('aria-invalid')).to.equal('true');
    $('builder-save')!.click();
    await until(() => $('builder-error')!.textContent !== '', 'the refusal');
    expect($('builder-error')!.textContent).to.contain('greeting');
    expect(rest.calls.filter((c) => c.method === 'PUT')).to.have.length(0);

    type($('message-card-url')!, 'https://ok.example.com/');
    await rerender();
    expect($('message-card-url-error')).to.equal(null);
    type($('settings-reminder')!, '5');
    await until(() => $('settings-reminder-error') !== null, 'the range error');
    expect($('settings-reminder-error')!.textContent).to.contain('10').and.contain('86400');
    $('builder-save')!.click();
    await until(() => $('builder-error')!.textContent!.includes('settings'), 'the settings refusal');
    expect(rest.calls.filter((c) => c.method === 'PUT')).to.have.length(0);
  });

  it('previews the draft: start, press a button, see the handoff, restart', async () => {
    const rest = await openBuilder({
      [`POST /assistants/${ID}/preview`]: (body) =>
        body.input.kind === 'start'
          ? [200, { cursor: { at: 'choice' }, outputs: [{ kind: 'text', text: 'Hi!' }, { kind: 'quick_replies', text: 'Talk to us?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] }], handoff: null, ended: false, error: null }]
          : [200, { cursor: { at: 'to-agent' }, outputs: [{ kind: 'text', text: 'One moment' }], handoff: { queueId: GENERAL.id, attributes: {} }, ended: false, error: null }],
    });
    $('preview-start')!.click();
    await until(() => $$('preview-button').length === 2, 'the quick replies');
    $$('preview-button')[0]!.click();
    await until(() => $$('preview-message').some((m) => m.textContent!.includes('Handed off to General')), 'the handoff');
    const posts = rest.calls.filter((c) => c.path.endsWith('/preview')).map((c) => c.body);
    expect(posts[1]).to.deep.equal({ cursor: { at: 'choice' }, input: { kind: 'postback', value: 'yes', label: 'Yes' }, locale: 'en' });
    expect($$('preview-message').map((m) => m.dataset.from)).to.deep.equal(['bot', 'bot', 'visitor', 'bot', 'note']);
    expect($('preview-input')).to.equal(null);
    $('preview-restart')!.click();
    await until(() => $$('preview-message').length === 2, 'a fresh preview');
  });

  it('publishes to the chosen channel, and a refused publish shows errors on the steps', async () => {
    let refuse = true;
    const rest = await openBuilder({
      [`POST /assistants/${ID}/publish`]: () =>
        refuse
          ? [422, { error: { code: 'VALIDATION_FAILED', message: 'Invalid.', details: [{ path: 'choice', message: 'Option "no" leads nowhere.' }] } }]
          : [200, detail({ assistant: { ...ASSISTANT, status: 'active', channels: [SITE.id], publishedVersion: 1 }, versions: [{ number: 1, publishedAt: '2025-01-02T09:00:00.000Z' }] })],
    });
    $('builder-publish')!.click();
    await until(() => $('publish-channel') !== null, 'the dialog');
    const box = $('publish-channel') as HTMLInputElement;
    expect(box.dataset.websiteId).to.equal(SITE.id);
    expect(box.parentElement!.textContent).to.contain('Demo Shop');
    box.click();
    await rerender();
    $('publish-confirm')!.click();
    await until(() => $('publish-error')!.textContent !== '', 'the refusal');
    expect(rest.calls.find((c) => c.path.endsWith('/publish'))!.body).to.deep.equal({ channels: [SITE.id] });
    expect(step('choice').querySelector('[data-testid="builder-issue"]')!.textContent).to.contain('leads nowhere');
    refuse = false;
    $('builder-publish')!.click();
    await until(() => $('publish-channel') !== null, 'the dialog again');
    ($('publish-channel') as HTMLInputElement).click();
    await rerender();
    $('publish-confirm')!.click();
    await until(() => $$('version-row').length === 1, 'the version');
    expect($('publish-error')!.textContent).to.equal('');
    expect($$('builder-issue')).to.have.length(0);
  });

  it('renames a published assistant and disconnects its channel from General, keeping an unsaved draft', async () => {
    const live = { ...ASSISTANT, status: 'active', channels: [SITE.id], publishedVersion: 1 };
    const rest = await openBuilder({
      [`GET /assistants/${ID}`]: () => [200, detail({ assistant: live, versions: [{ number: 1, publishedAt: '2025-01-02T09:00:00.000Z' }] })],
      [`PATCH /assistants/${ID}`]: (body) => [200, detail({ assistant: { ...live, name: body.name, brand: body.brand, channels: body.channels, status: body.channels.length ? 'active' : 'draft' } })],
    });
    await until(() => $('general-channel') !== null, 'the general settings');
    const box = $('general-channel') as HTMLInputElement;
    expect([box.checked, box.disabled]).to.deep.equal([true, false]);
    expect(($('builder-delete-start') as HTMLButtonElement).disabled).to.equal(true); // connected: disconnect first
    // An edit of the flow is pending while the settings are saved: it must survive.
    step('greeting').querySelector<HTMLElement>('[data-testid="builder-edit"]')?.click();
    $('builder-add-step')!.click();
    await until(() => $$('builder-step').length === 5, 'a fifth step, unsaved');

    type($('general-name')!, '  ');
    await rerender();
    $('general-save')!.click();
    await until(() => $('general-name-error') !== null, 'the empty name refused');
    expect(rest.calls.some((c) => c.method === 'PATCH')).to.equal(false);

    type($('general-name')!, 'Shop helper');
    type($('general-brand')!, 'Kettle & Leaf');
    box.click();
    await rerender();
    $('general-save')!.click();
    await until(() => container.textContent!.includes('Shop helper') && ($('general-channel') as HTMLInputElement).checked === false, 'renamed and disconnected');
    expect(rest.calls.find((c) => c.method === 'PATCH')!.body).to.deep.equal({ name: 'Shop helper', brand: 'Kettle & Leaf', channels: [] });
    expect($$('builder-step')).to.have.length(5);
    expect(container.textContent).to.contain('Draft');
    expect(($('builder-delete-start') as HTMLButtonElement).disabled).to.equal(false); // disconnected: it may go now
  });

  it('deletes an assistant after a confirmation, says why when it is refused, and cannot start while it is connected', async () => {
    let conflict = true;
    const rest = await openBuilder({
      [`DELETE /assistants/${ID}`]: () => (conflict ? [409, { error: { code: 'CONFLICT', message: 'Still running 1 conversation(s).' } }] : [200, { ok: true }]),
    });
    $('builder-delete-start')!.click();
    await until(() => $('delete-confirm') !== null, 'the confirmation');
    $('delete-cancel')!.click();
    await until(() => $('delete-confirm') === null, 'cancelled');
    expect(rest.calls.some((c) => c.method === 'DELETE')).to.equal(false);

    $('builder-delete-start')!.click();
    await until(() => $('delete-confirm') !== null, 'the confirmation again');
    $('delete-confirm')!.click();
    await until(() => $('builder-error')!.textContent !== '', 'the refusal');
    expect($('builder-error')!.textContent).to.contain('still talking with visitors');
    expect($('builder')).to.not.equal(null);

    conflict = false;
    $('builder-delete-start')!.click();
    await until(() => $('delete-confirm') !== null, 'the confirmation once more');
    $('delete-confirm')!.click();
    await until(() => $('builder') === null && $('assistant-create-form') !== null, 'back on the list');
    expect(rest.calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).to.deep.equal([`/assistants/${ID}`, `/assistants/${ID}`]);
  });

  it('keeps the channels of a never-published assistant for the publish dialog', async () => {
    await openBuilder();
    await until(() => $('general-channel') !== null, 'the general settings');
    expect(($('general-channel') as HTMLInputElement).disabled).to.equal(true);
    expect($('builder-general')!.textContent).to.contain('Publish the assistant to connect it to channels.');
  });

  it('has no axe violations on the builder with a step open', async () => {
    await openBuilder();
    step('choice').querySelector<HTMLElement>('[data-testid="builder-step-open"]')!.click();
    await until(() => $('builder-step-edit') !== null, 'the step form');
    const result = await axe.run(container, { resultTypes: ['violations'] });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes[0]?.html ?? ''}`)).to.deep.equal([]);
  });
});

describe('Transcript with assistant messages', () => {
  it('renders a structured message as text, with its options and the assistant name', async () => {
    setLocale('en');
    const container = document.createElement('div');
    document.body.append(container);
    const base = { conversationId: ID, clientId: null, createdAt: '2025-01-01T09:00:00.000Z', author: { kind: 'bot' as const, id: ID, name: 'Helper' } };
    const messages: Message[] = [
      { ...base, id: '88888888-8888-4888-8888-888888888881', seq: 1, kind: 'structured', text: 'x', payload: { kind: 'quick_replies', text: '<b>Pick</b> one', options: [{ value: 'a', label: 'Orders' }, { value: 'b', label: 'Returns' }] } },
      { ...base, id: '88888888-8888-4888-8888-888888888882', seq: 2, kind: 'structured', text: 'x', payload: { kind: 'card', title: 'Help centre', url: 'https://help.example.com/' } },
    ];
    render(<Transcript messages={messages} pending={[]} meId={null} label="Chat" />, container);
    await rerender();
    const rows = [...container.querySelectorAll('[data-testid="transcript-row"]')];
    expect(rows[0]!.textContent).to.contain('Helper').and.contain('<b>Pick</b> one').and.contain('Options: Orders, Returns');
    expect(container.querySelector('b')).to.equal(null);
    expect(rows[0]!.querySelector('button')).to.equal(null);
    const link = rows[1]!.querySelector('a')!;
    expect([link.textContent, link.getAttribute('href')]).to.deep.equal(['Help centre', 'https://help.example.com/']);
    render(null, container);
    container.remove();
  });
});
