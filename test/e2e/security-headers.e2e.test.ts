/**
 * Issue 16 finding 8, in Chromium: the desktop and the demo shop (hosting the widget) run
 * under their Content-Security-Policy without a single violation, through the paths that
 * load the most: login, an offer, messages and an image both ways, the emoji picker,
 * the admin pages and the assistant builder's preview. The desktop refuses to be framed.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { png } from '../../server/attachments/test-images.ts';
import { useSystemAndBrowser } from './browser.ts';
import { AgentDesk, VisitorPage, eventually } from './pages.ts';
import { DEMO_AGENT } from './system.ts';

interface Violation {
  page: string;
  what: string;
}

/** Records every CSP violation of the context's pages: the DOM event (it is composed: shadow roots too) and console reports. */
async function recordViolations(context: BrowserContext, into: Violation[]): Promise<void> {
  await context.exposeBinding('__reportCspViolation', ({ page }, what: string) => void into.push({ page: page.url(), what }));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { __reportCspViolation(what: string): Promise<void> }).__reportCspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) into.push({ page: message.page()?.url() ?? '?', what: message.text() });
  });
}

describe('security headers in the browser', () => {
  const { system: running, newContext } = useSystemAndBrowser();

  const cspOf = async (page: Page, path: string) => (await page.request.get(`${running().url}${path}`)).headers()['content-security-policy'] ?? '';

  it('runs the desktop and the widget on the demo shop without any CSP violation', async () => {
    const system = running();
    const violations: Violation[] = [];
    const agentContext = await newContext();
    const visitorContext = await newContext();
    await recordViolations(agentContext, violations);
    await recordViolations(visitorContext, violations);

    const ada = await AgentDesk.login(agentContext, system.url, DEMO_AGENT);
    expect(await cspOf(ada.page, '/desktop/')).toMatch(/frame-ancestors 'none'/);
    expect(await cspOf(ada.page, '/desktop/')).not.toMatch(/unsafe-inline|unsafe-eval/);
    await ada.setPresence('ready');

    const visitor = await VisitorPage.open(visitorContext, `${system.url}/demo/`);
    // The widget still needs inline styles (see security-headers.ts); scripts are 'self' only.
    expect(await cspOf(visitor.page, '/demo/')).toMatch(/script-src 'self';/);
    expect(await cspOf(visitor.page, '/demo/')).not.toMatch(/unsafe-eval/);
    await visitor.openPanel();
    await visitor.send('Hello, is the sencha in stock?');
    await ada.offer().first().waitFor();
    await ada.acceptOffer();
    await ada.reply('Yes, it is!');
    await visitor.waitForRow('Yes, it is!');

    // An image each way: uploads, blob: previews, same-origin attachment URLs.
    const widget = visitor.page.locator('parley-messenger');
    await widget.locator('[data-testid=attach-input]').setInputFiles({ name: 'lid.png', mimeType: 'image/png', buffer: Buffer.from(png(40, 30)) });
    const received = ada.page.locator('[data-testid=transcript-row] [data-testid=message-image]').first();
    await eventually(async () => expect(await received.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(40), 'image decoded on the desktop');
    // The agent's upload (multipart, cookie, from the desktop's own origin) reaches the visitor.
    await ada.page.getByTestId('attach-input').setInputFiles({ name: 'answer.png', mimeType: 'image/png', buffer: Buffer.from(png(24, 16)) });
    const answer = widget.locator('[data-testid=message][data-author=agent] [data-testid=message-image]').first();
    await eventually(async () => expect(await answer.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(24), 'image decoded in the widget');
    // The lazy emoji picker chunk.
    await widget.locator('[data-testid=emoji-button]').click();
    await widget.locator('[data-testid=emoji-picker]').waitFor();

    // The admin pages and the assistant builder with its preview.
    await ada.page.getByTestId('tab-admin').click();
    await ada.page.getByTestId('admin-section-assistants').click();
    await ada.page.getByTestId('assistant-name').fill('CSP check');
    await ada.page.getByTestId('assistant-create').click();
    await ada.page.getByTestId('builder').waitFor();
    await ada.page.getByTestId('preview-start').click();
    await ada.page.getByTestId('preview-message').first().waitFor();

    // Reload both: the pages' own first load under the policy, with a session.
    await ada.page.reload();
    await ada.page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
    await visitor.page.reload();
    await visitor.waitForRow('Yes, it is!'); // the panel stays open across pages

    expect(violations).toEqual([]);
  }, 120_000);

  it('refuses to show the desktop in a frame of another page', async () => {
    const system = running();
    const violations: Violation[] = [];
    const context = await newContext();
    await recordViolations(context, violations);
    const shop = await context.newPage();
    await shop.goto(`${system.url}/demo/`);
    // The shop page (same origin, even) frames the desktop: the browser must refuse it.
    await shop.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      document.body.append(frame);
    }, `${system.url}/desktop/`);
    await eventually(async () => expect(violations.map((v) => v.what).join('\n')).toMatch(/frame-ancestors/), 'frame refused');
    const frame = shop.frames().find((f) => f.url().includes('/desktop/'));
    expect(await frame?.locator('[data-testid=login-email]').count().catch(() => 0)).toBeFalsy();
  });
});
