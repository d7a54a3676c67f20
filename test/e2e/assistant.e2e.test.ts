/**
 * Issue 5, end to end: the demo shop's published assistant greets, qualifies and
 * hands off; the agent who accepts sees what it collected.
 */
import { describe, expect, it } from 'vitest';
import { useSystemAndBrowser } from './browser.ts';
import { AgentDesk, eventually, VisitorPage } from './pages.ts';
import { DEMO_AGENT } from './system.ts';

describe('assistants (bots) in the widget and the desktop', () => {
  const { system: running, newContext } = useSystemAndBrowser({ env: { SEED_DEMO_ASSISTANT: 'true' } });

  it('qualifies the visitor, re-asks an invalid email, hands off; the agent sees the email', async () => {
    const system = running();
    const visitor = await VisitorPage.open(await newContext(), `${system.url}/demo/`);
    const widget = visitor.page.locator('parley-messenger');
    await visitor.openPanel();
    await visitor.send('Hello');

    // The assistant greets and offers buttons; the visitor picks one.
    await widget.locator('[data-testid=message][data-kind=structured]').filter({ hasText: 'What can we help you with?' }).waitFor();
    await widget.locator('[data-testid=bot-button][data-value=order_status]').click();
    await widget.locator('[data-testid=message][data-kind=structured]').filter({ hasText: 'What email address did you order with?' }).waitFor();
    expect(await widget.locator('[data-testid=bot-button][data-value=order_status]').isDisabled()).toBe(true);

    // An invalid email is re-asked; a valid one hands off to the General queue.
    await visitor.send('sam at example');
    await widget.locator('[data-testid=message][data-kind=structured]').filter({ hasText: 'does not look like an email' }).waitFor();
    await visitor.send('sam@example.com');
    await widget.locator('[data-testid=message][data-kind=structured]').filter({ hasText: 'I am passing you to our team' }).waitFor();

    // The agent accepts the handoff and finds the email in the contact panel, with the bot part of the transcript.
    const ada = await AgentDesk.login(await newContext(), system.url, DEMO_AGENT);
    await ada.setPresence('ready');
    await ada.offer().first().waitFor();
    await ada.acceptOffer();
    await ada.page.getByTestId('transcript-row').filter({ hasText: 'What email address did you order with?' }).first().waitFor();
    await ada.page.getByTestId('tab-contact').click();
    await eventually(async () => expect(await ada.page.locator('.contact-panel').textContent()).toContain('sam@example.com'), 'email in the contact panel');
  });

  it('lets an admin build a two-step flow, preview it and publish it to the demo channel', async () => {
    const system = running();
    const ada = await AgentDesk.login(await newContext(), system.url, DEMO_AGENT);
    const page = ada.page;
    await page.getByTestId('tab-admin').click();
    await page.getByTestId('admin-section-assistants').click();
    await page.getByTestId('assistant-name').fill('Returns helper');
    await page.getByTestId('assistant-create').click();
    await page.getByTestId('builder').waitFor();

    // Two steps: a message that leads to the starter's end step, made the start.
    const before = await page.locator('[data-testid=builder-step][data-kind=message]').count();
    await page.getByTestId('builder-add-kind').selectOption('message');
    await page.getByTestId('builder-add-step').click();
    const added = page.locator('[data-testid=builder-step][data-kind=message]').nth(before);
    await added.getByTestId('step-text-en').fill('We accept returns within 30 days of delivery.');
    const endId = await page.locator('[data-testid=builder-step][data-kind=end]').first().getAttribute('data-step-id');
    await added.getByTestId('step-next').selectOption(endId!);
    await added.getByTestId('builder-make-start').click();
    await page.getByTestId('builder-save').click();
    await eventually(async () => expect(await page.locator('[data-testid=builder-issue][data-level=error]').count()).toBe(0), 'no errors');

    // Preview the draft.
    await page.getByTestId('preview-start').click();
    await page.getByTestId('preview-message').filter({ hasText: 'We accept returns within 30 days of delivery.' }).waitFor();

    // Publish it to the demo website: it replaces the demo assistant there.
    await page.getByTestId('builder-publish').click();
    await page.getByTestId('publish-channel').first().check();
    await page.getByTestId('publish-confirm').click();
    await page.getByTestId('version-row').first().waitFor();

    // A new visitor meets the new assistant.
    const visitor = await VisitorPage.open(await newContext(), `${system.url}/demo/`);
    await visitor.openPanel();
    await visitor.send('Hi there');
    await visitor.page.locator('parley-messenger [data-testid=message][data-kind=structured]').filter({ hasText: 'We accept returns within 30 days' }).waitFor();
  });
});
