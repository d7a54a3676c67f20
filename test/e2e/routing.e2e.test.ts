/**
 * Issue 3, end to end: an offer that expires makes the agent Refused, a second
 * agent accepts, transfers to a queue where the first agent (Ready again) takes
 * it, and the visitor follows it all: position, joins and leaves, and ends the chat.
 */
import { describe, expect, it } from 'vitest';
import { useSystemAndBrowser } from './browser.ts';
import { AgentDesk, eventually, VisitorPage } from './pages.ts';
import { DEMO_AGENT, SECOND_AGENT } from './system.ts';

describe('routing: offers, Refused, transfer, end (widget ⇄ two desktops)', () => {
  const { system: running, newContext } = useSystemAndBrowser();

  it('routes, refuses on expiry, transfers to a queue and lets the visitor end the chat', async () => {
    const system = running();
    const adaContext = await newContext();
    const ada = await AgentDesk.login(adaContext, system.url, DEMO_AGENT);
    // Short offers so the expiry happens within the test (an admin setting per queue).
    const { queues } = (await (await adaContext.request.get(`${system.url}/api/v1/queues`)).json()) as { queues: { id: string; name: string }[] };
    for (const queue of queues) {
      const res = await adaContext.request.patch(`${system.url}/api/v1/queues/${queue.id}`, { data: { offerTimeoutSec: 3 } });
      expect(res.status()).toBe(200);
    }
    const grace = await AgentDesk.login(await newContext(), system.url, SECOND_AGENT);

    // Nobody is Ready: the visitor is told, sees their place in line, and can keep writing.
    const visitor = await VisitorPage.open(await newContext(), `${system.url}/demo/`);
    await visitor.openPanel();
    await visitor.send('Where is my order #1042?');
    await visitor.waitForRow('Where is my order #1042?');
    const widget = visitor.page.locator('parley-messenger');
    await widget.locator('[data-testid=away-notice]').waitFor();
    await eventually(async () => expect(await widget.locator('[data-testid=queue-status]').getAttribute('data-position')).toBe('1'), 'position 1');

    // Ada is offered the chat, lets it expire, and becomes Refused.
    await ada.setPresence('ready');
    await ada.offer().first().waitFor();
    expect(await ada.offer().first().textContent()).toContain('Where is my order #1042?');
    await ada.offer().first().waitFor({ state: 'detached', timeout: 10_000 });
    await eventually(async () => expect(await ada.presence().getAttribute('data-state')).toBe('refused'), 'Ada refused');

    // Grace sets Ready and accepts: the visitor sees her join.
    await grace.setPresence('ready');
    await grace.offer().first().waitFor();
    await grace.acceptOffer();
    expect(await grace.transcriptCount('Where is my order #1042?')).toBe(1);
    await widget.locator('[data-testid=event][data-event=agent_joined]').filter({ hasText: SECOND_AGENT.name }).waitFor();
    await eventually(async () => expect((await widget.locator('[data-testid=agent-name]').textContent())?.trim()).toBe(SECOND_AGENT.name), 'agent name in header');
    await grace.reply('Let me hand you to our billing team.');
    await visitor.waitForRow('Let me hand you to our billing team.');

    // Grace transfers to the Billing queue: the chat leaves her desk, the visitor sees her leave.
    await grace.transferTo('queue', 'Billing');
    await eventually(async () => expect(await grace.page.getByTestId('mine-item').count()).toBe(0), 'chat removed from Grace');
    await widget.locator('[data-testid=event][data-event=agent_left]').filter({ hasText: SECOND_AGENT.name }).waitFor();

    // Ada sets Ready again: offers resume, she accepts and sees the whole transcript.
    await ada.setPresence('ready');
    await ada.offer().first().waitFor();
    await ada.acceptOffer();
    expect(await ada.transcriptCount('Where is my order #1042?')).toBe(1);
    expect(await ada.transcriptCount('Let me hand you to our billing team.')).toBe(1);
    await widget.locator('[data-testid=event][data-event=agent_joined]').filter({ hasText: DEMO_AGENT.name }).waitFor();

    // The visitor ends the chat after a confirmation; Ada gets the wrap-up form.
    await widget.locator('[data-testid=end-conversation]').click();
    await widget.locator('[data-testid=end-confirm]').click();
    await widget.locator('[data-testid=event][data-event=conversation_ended]').waitFor();
    await ada.page.getByTestId('wrapup-save').waitFor();
    await ada.page.getByTestId('wrapup-disposition').selectOption('resolved');
    await ada.page.getByTestId('wrapup-save').click();
    await eventually(async () => expect(await ada.page.getByTestId('mine-item').count()).toBe(0), 'wrapped up and closed');

    // The session card records it: grey, closed with the wrap-up code.
    const cards = (await (await adaContext.request.get(`${system.url}/api/v1/sessions`)).json()) as { cards: { state: string; colour: string; wrapUpCode: string | null }[] };
    expect(cards.cards.find((c) => c.state === 'closed')).toMatchObject({ colour: 'grey', wrapUpCode: 'resolved' });
  });
});
