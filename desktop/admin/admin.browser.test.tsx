/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { render } from 'preact';
import type { AxeResults, RunOptions } from 'axe-core';
import 'axe-core';
import { DeskScreen } from '../components/workspace.tsx';
import { setLocale } from '../i18n/index.ts';
import { createDesk } from '../state/desk.ts';
import { mountDesk, rerender, until, type MountedDesk } from '../testing/desk-harness.tsx';
import { DEMO_WEBSITE, FakeAgentClient, FakeClock, GENERAL, ME, RecordingAlert } from '../testing/fakes.ts';
import { ADMIN_SECTIONS } from './sections.tsx';

const axe = (globalThis as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }).axe;
const WEBSITE = DEMO_WEBSITE;
const QUEUE = { ...GENERAL, channel: 'chat', policy: 'longest_idle', offerTimeoutSec: 45, businessHours: null, wrapUpRequired: false, isDefault: true };

/** A stub `fetch` answering the admin REST routes; records every call. */
function stubRest(overrides: Record<string, () => Response> = {}) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const lists: Record<string, unknown> = { agents: [], queues: [QUEUE], teams: [], 'quick-replies': { quickReplies: [] }, dispositions: [], tags: [], websites: [WEBSITE] };
  const original = window.fetch;
  window.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input).replace('/api/v1', '');
    const method = init?.method ?? 'GET';
    calls.push({ method, path, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const override = overrides[`${method} ${path}`];
    if (override) return override();
    const name = path.slice(1);
    if (method === 'GET' && name in lists) return json(name === 'quick-replies' ? lists[name] : { [name]: lists[name] });
    return json({ error: { code: 'NOT_FOUND', message: 'Not found.' } }, 404);
  }) as typeof fetch;
  return { calls, json, restore: () => void (window.fetch = original) };
}

const type = (el: HTMLInputElement | HTMLTextAreaElement, value: string) => {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
};

describe('Admin pages', () => {
  let ui: MountedDesk | null = null;
  let rest: ReturnType<typeof stubRest> | null = null;
  afterEach(() => {
    ui?.unmount();
    rest?.restore();
    ui = null;
    rest = null;
  });

  async function openAdmin(section: string) {
    ui = await mountDesk();
    ui.$('tab-admin')!.click();
    await until(() => ui!.$(`admin-section-${section}`) !== null, 'the admin nav');
    ui.$(`admin-section-${section}`)!.click();
    await until(() => ui!.$(`admin-${section}-form`) !== null, 'the section form');
    await rerender();
    return ui;
  }

  it('refuses 13 max chats before sending, then shows the server error inline', async () => {
    rest = stubRest({ 'POST /agents': () => rest!.json({ error: { code: 'CONFLICT', message: 'This email is already used.' } }, 409) });
    const ui = await openAdmin('agents');
    const form = ui.$('admin-agents-form')!;
    type(form.querySelector<HTMLInputElement>('[name="name"]')!, 'Grace Hopper');
    type(form.querySelector<HTMLInputElement>('[name="email"]')!, 'grace@demo.shop');
    type(form.querySelector<HTMLInputElement>('[name="password"]')!, 'correct-horse-battery');
    type(form.querySelector<HTMLInputElement>('[name="maxConcurrent"]')!, '13');
    ui.$('admin-agents-submit')!.click();
    await until(() => ui.$('error-maxConcurrent') !== null, 'the field error');
    expect(ui.$('error-maxConcurrent')!.textContent).to.equal('At most 12.');
    expect(rest.calls.filter((c) => c.method === 'POST')).to.have.length(0);

    type(form.querySelector<HTMLInputElement>('[name="maxConcurrent"]')!, '12');
    ui.$('admin-agents-submit')!.click();
    await until(() => (ui.$('admin-agents-error')!.textContent ?? '').includes('already used'), 'the server error');
    expect(rest.calls.find((c) => c.method === 'POST')!.body).to.deep.include({ email: 'grace@demo.shop', maxConcurrent: 12, role: 'agent' });
  });

  it('previews quick-reply variables and refuses malformed ones', async () => {
    rest = stubRest();
    const ui = await openAdmin('quick-replies');
    const body = ui.$('admin-quick-replies-form')!.querySelector<HTMLTextAreaElement>('[name="body"]')!;
    type(body, 'Hi {{contact.name}}, order {{order_number}} ships soon. {{agent.name}}');
    await rerender();
    expect(ui.$('qr-preview-text')!.textContent).to.equal('Hi Marie Curie, order [order_number] ships soon. Ada Lovelace');
    const vars = [...ui.$('qr-variables')!.querySelectorAll('li')].map((li) => li.textContent);
    expect(vars).to.deep.equal(['contact.name — filled in automatically', 'order_number — asked for when inserted', 'agent.name — filled in automatically']);
    const title = ui.$('admin-quick-replies-form')!.querySelector<HTMLInputElement>('[name="title"]')!;
    // Its label names it (the form's heading once took the same id).
    expect([...title.labels!].map((label) => label.textContent)).to.deep.equal(['Title']);
    type(title, 'Order');
    type(body, 'Order {{ }} soon');
    ui.$('admin-quick-replies-submit')!.click();
    await until(() => ui.$('error-body') !== null, 'the malformed error');
    expect(ui.$('error-body')!.textContent).to.contain('{{ }}');
    expect(rest.calls.filter((c) => c.method === 'POST')).to.have.length(0);
  });

  it('warns when business hours leave a queue with no open day', async () => {
    rest = stubRest();
    const ui = await openAdmin('queues');
    const form = ui.$('admin-queues-form')!;
    const alwaysOpen = [...form.querySelectorAll<HTMLLabelElement>('.hours-editor label.check')].find((l) => l.textContent === 'Always open')!.querySelector('input')!;
    expect(ui.$('hours-never-open')).to.equal(null);
    alwaysOpen.click();
    await rerender();
    expect(ui.$('hours-never-open')!.textContent).to.contain('always closed');
    // Opening one day removes the warning.
    ui.$$('hours-row')[0]!.querySelector<HTMLInputElement>('input[type=checkbox]')!.click();
    await rerender();
    expect(ui.$('hours-never-open')).to.equal(null);
  });

  it('edits allowed origins (validated) and copies the embed snippet', async () => {
    rest = stubRest({ 'PATCH /websites/33333333-3333-4333-8333-333333333333': () => rest!.json({ website: { ...WEBSITE, allowedOrigins: ['http://localhost:3000', 'https://shop.example.com'] } }) });
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void copied.push(text) } });
    const ui = await openAdmin('websites');
    await until(() => ui.$$('admin-websites-row').length === 1, 'the website row');
    ui.$('copy-snippet')!.click();
    await until(() => copied.length === 1, 'the copy');
    expect(copied[0]).to.equal(WEBSITE.snippet);

    ui.$('admin-websites-row')!.querySelector<HTMLElement>('[data-testid="admin-edit"]')!.click();
    await rerender();
    ui.$('add-allowedOrigins')!.click();
    await rerender();
    const lines = () => ui.$$('line-allowedOrigins') as HTMLInputElement[];
    type(lines()[1]!, 'not an origin');
    ui.$('admin-websites-submit')!.click();
    await until(() => lines()[1]!.getAttribute('aria-invalid') === 'true', 'the origin error');
    expect(rest.calls.filter((c) => c.method === 'PATCH')).to.have.length(0);
    type(lines()[1]!, 'https://shop.example.com');
    ui.$('admin-websites-submit')!.click();
    await until(() => rest!.calls.some((c) => c.method === 'PATCH'), 'the PATCH');
    expect(rest.calls.find((c) => c.method === 'PATCH')!.body).to.deep.include({ allowedOrigins: ['http://localhost:3000', 'https://shop.example.com'] });
  });

  it('sets a website’s retention: days for messages, empty (kept forever) for attachments', async () => {
    rest = stubRest({ 'PATCH /websites/33333333-3333-4333-8333-333333333333': () => rest!.json({ website: { ...WEBSITE, messageRetentionDays: 30 } }) });
    const ui = await openAdmin('websites');
    await until(() => ui.$$('admin-websites-row').length === 1, 'the website row');
    expect(ui.$('admin-websites-row')!.textContent).to.contain('messages: kept forever, attachments: kept forever');
    ui.$('admin-websites-row')!.querySelector<HTMLElement>('[data-testid="admin-edit"]')!.click();
    await rerender();
    const form = ui.$('admin-websites-form')!;
    const days = form.querySelector<HTMLInputElement>('[name="messageRetentionDays"]')!;
    expect(form.querySelector(`label[for="${days.id}"]`)?.textContent ?? days.labels?.[0]?.textContent).to.contain('Keep messages (days)');
    type(days, '30');
    type(form.querySelector<HTMLInputElement>('[name="attachmentRetentionDays"]')!, '');
    ui.$('admin-websites-submit')!.click();
    await until(() => rest!.calls.some((c) => c.method === 'PATCH'), 'the PATCH');
    expect(rest.calls.find((c) => c.method === 'PATCH')!.body).to.deep.include({ messageRetentionDays: 30, attachmentRetentionDays: null });
    await until(() => ui.$('admin-websites-row')!.textContent!.includes('messages: 30 days'), 'the new retention in the list');
  });

  it('shows the audit log newest first, in pages, filtered by kind, in English and French, without axe violations', async () => {
    const entry = (n: number, action: string, targetType: string) => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      at: `2026-12-0${n}T10:00:00.000Z`,
      actorId: ME.id,
      actorName: 'Ada Lovelace',
      action,
      targetType,
      targetId: `target-${n}`,
      changes: action === 'website.identity_secret_rotate' ? { identitySecret: '(changed)' } : { messageRetentionDays: 30 },
      ip: '127.0.0.1',
    });
    const CURSOR = '2026-12-02T10:00:00.000Z_00000000-0000-4000-8000-000000000002';
    rest = stubRest({
      'GET /admin/audit-log?limit=50': () => rest!.json({ entries: [entry(3, 'website.retention_update', 'website'), entry(2, 'website.identity_secret_rotate', 'website')], nextBefore: CURSOR }),
      [`GET /admin/audit-log?limit=50&before=${encodeURIComponent(CURSOR)}`]: () => rest!.json({ entries: [entry(1, 'contact.erase', 'contact')], nextBefore: null }),
      'GET /admin/audit-log?limit=50&targetType=contact': () => rest!.json({ entries: [entry(1, 'contact.erase', 'contact')], nextBefore: null }),
    });
    ui = await mountDesk();
    ui.$('tab-admin')!.click();
    await until(() => ui!.$('admin-section-audit-log') !== null, 'the admin nav');
    ui.$('admin-section-audit-log')!.click();
    const rows = () => ui!.$$('audit-row');
    await until(() => rows().length === 2, 'the first page');
    expect(rows()[0]!.textContent).to.contain('Retention changed · Website');
    expect(rows()[1]!.textContent).to.contain('identitySecret: (changed)');
    const table = ui.container.querySelector('[data-testid="audit-log"] table')!;
    expect([...table.querySelectorAll('th[scope="col"]')].map((th) => th.textContent)).to.deep.equal(['When', 'Who', 'Action', 'Item', 'Changes', 'Address']);
    const result = await axe.run(ui.container, { resultTypes: ['violations'] });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes[0]?.html ?? ''}`)).to.deep.equal([]);

    ui.$('audit-more')!.click();
    await until(() => rows().length === 3, 'the older page');
    expect(ui.$('audit-more')).to.equal(null);

    const filter = ui.$('audit-filter') as HTMLSelectElement;
    filter.value = 'contact';
    filter.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => rows().length === 1, 'the filtered list');
    expect(rows()[0]!.textContent).to.contain('Erased · Contact');
    setLocale('fr');
    await until(() => rows()[0]!.textContent!.includes('Effacement · Contact'), 'the French labels');
    setLocale('en');
  });

  it('deactivates an agent from the edit form (the Active box is not offered when creating)', async () => {
    const AGENT = { id: '99999999-9999-4999-8999-999999999999', email: 'grace@demo.shop', name: 'Grace Hopper', role: 'agent', maxConcurrent: 3, channels: ['chat'], queueIds: [], teamIds: [], active: true, createdAt: '2025-01-01T09:00:00.000Z' };
    rest = stubRest({
      'GET /agents': () => rest!.json({ agents: [AGENT] }),
      [`PATCH /agents/${AGENT.id}`]: () => rest!.json({ agent: { ...AGENT, active: false } }),
    });
    const ui = await openAdmin('agents');
    await until(() => ui.$$('admin-agents-row').length === 1, 'the agent row');
    const form = () => ui.$('admin-agents-form')!;
    expect(form().querySelector('[name="active"], #admin-agents-active')).to.equal(null);
    ui.$('admin-agents-row')!.querySelector<HTMLElement>('[data-testid="admin-edit"]')!.click();
    await rerender();
    const box = form().querySelector<HTMLInputElement>('input[type="checkbox"][aria-describedby$="active-hint"]')!;
    expect(box.checked).to.equal(true);
    box.click();
    ui.$('admin-agents-submit')!.click();
    await until(() => rest!.calls.some((c) => c.method === 'PATCH'), 'the PATCH');
    expect(rest.calls.find((c) => c.method === 'PATCH')!.body).to.deep.include({ active: false });
  });

  it('has no axe violations on any admin section', async () => {
    rest = stubRest();
    const ui = await openAdmin('agents');
    for (const section of ADMIN_SECTIONS) {
      ui.$(`admin-section-${section}`)!.click();
      await until(() => ui.$(`admin-${section}-form`) !== null, `${section} form`);
      await rerender();
      const result = await axe.run(ui.container, { resultTypes: ['violations'] });
      expect(result.violations.map((v) => `${section} ${v.id}: ${v.nodes[0]?.html ?? ''}`)).to.deep.equal([]);
    }
  });

  it('hides Admin and Sessions from plain agents', async () => {
    setLocale('en');
    const client = new FakeAgentClient();
    client.respond('conversations:list', async () => ({ waiting: [], mine: [] })).respond('agent:state', async () => ({ presence: [], channels: ['chat'], maxConcurrent: 3, offers: [] }));
    const desk = createDesk(client, { ...ME, role: 'agent' }, { clock: new FakeClock(), alert: new RecordingAlert() });
    const container = document.createElement('div');
    document.body.append(container);
    render(<DeskScreen desk={desk} onLogout={() => undefined} onOffline={() => undefined} />, container);
    await rerender();
    const tabs = [...container.querySelectorAll('[role="tab"]')].map((tab) => tab.getAttribute('data-testid'));
    expect(tabs).to.deep.equal(['tab-desk', 'tab-communication']);
    render(null, container);
    container.remove();
    desk.dispose();
  });
});
