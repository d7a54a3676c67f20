/**
 * Issue 16, finding 7, end to end: a visitor message the database cannot store (a NUL character)
 * used to freeze the widget ("Reconnecting…" for ever, every later message "Sending…", across
 * reloads). Now it is refused for good and shown "Not sent" with Retry and Delete, while the next
 * message reaches the agent; a reload still shows it not sent, and Delete removes it.
 */
import { describe, expect, it } from 'vitest';
import { useSystemAndBrowser } from './browser.ts';
import { AgentDesk, eventually, VisitorPage } from './pages.ts';

const POISON = 'bad \u0000 byte';

describe('a message the server refuses for good (widget → server → desktop)', () => {
  const { system, newContext } = useSystemAndBrowser();

  it('shows it not sent, with Retry and Delete, and delivers the next message meanwhile', async () => {
    const visitor = await VisitorPage.open(await newContext(), `${system().url}/demo/`);
    await visitor.openPanel();
    await visitor.send('Hello, a first question');
    await visitor.waitForRow('Hello, a first question');

    // Pasted binary: the composer holds a NUL (typing cannot produce one).
    const composer = visitor.page.locator('parley-messenger [data-testid=composer]');
    await composer.evaluate((area: HTMLTextAreaElement, text) => {
      area.value = text;
      area.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    }, POISON);
    await composer.press('Enter');
    await visitor.send('And a second one');

    await visitor.waitForRow(POISON, 'failed');
    await visitor.waitForRow('And a second one');
    expect(await visitor.connection().getAttribute('data-state')).toBe('online');
    const failed = visitor.page.locator('parley-messenger [data-testid=message][data-status=failed]');
    expect(await failed.locator('[data-testid=retry]').textContent()).toBe('Retry');
    expect(await failed.locator('[data-testid=discard]').textContent()).toBe('Delete');

    const agent = await AgentDesk.login(await newContext(), system().url);
    await agent.take('And a second one');
    await eventually(async () => expect(await agent.transcriptCount('And a second one')).toBe(1), 'the next message at the agent');
    expect(await agent.transcriptCount('bad')).toBe(0);

    // After a reload it is still "Not sent" (not "Sending…" for ever), and Delete removes it for good.
    await visitor.page.reload();
    await visitor.waitForRow(POISON, 'failed');
    await failed.locator('[data-testid=discard]').click();
    await eventually(async () => expect(await visitor.countRows(POISON)).toBe(0), 'deleted');
    await visitor.page.reload();
    await visitor.waitForRow('And a second one');
    expect(await visitor.countRows(POISON)).toBe(0);
  });
});
