import { css, unsafeCSS } from 'lit';

/** Dark palette (`colorScheme: 'dark'`, or `'auto'` with a dark system setting); the primary colour stays the site's. */
const dark = unsafeCSS(`
  --parley-bg: #1f232b; --parley-text: #e8eaf0; --parley-muted: #aab1bf; --parley-surface: #16191f;
  --parley-border: #363c48; --parley-input-border: #4a5262; --parley-pill: #2a2f39; --parley-notice: #242a3a;
  --parley-notice-border: #3a4360; --parley-away: #2f2a1c; --parley-away-border: #5a4d26; --parley-error: #ff9b8f;
  --parley-failed-bg: #3a1f1d; --parley-failed-text: #ffc9c2; --parley-failed-border: #7a3a33;
`);

/**
 * Shadow-root styles. Host-page rules still reach the host element itself, and
 * for !important declarations the shadow context wins, so `:host` pins what
 * matters with !important (a page's `* { all: unset }` cannot hide us). Inside,
 * every element we rely on gets an explicit display.
 */
export const styles = css`
  :host {
    all: initial !important;
    display: block !important;
    position: static !important;
    visibility: visible !important;
    opacity: 1 !important;
    contain: none !important;
    --parley-primary: #3157d5;
    --parley-on-primary: #fff;
    --parley-bg: #fff;
    --parley-text: #1d2330;
    --parley-muted: #5b6475;
    --parley-surface: #f6f7fb;
    --parley-border: #e3e6ee;
    --parley-input-border: #cfd4df;
    --parley-pill: #e9ecf4;
    --parley-notice: #eef2ff;
    --parley-notice-border: #d8def5;
    --parley-away: #fff8e6;
    --parley-away-border: #f1dfb0;
    --parley-error: #b42318;
    --parley-failed-bg: #fff1f0;
    --parley-failed-text: #8a1c12;
    --parley-failed-border: #f3b4ae;
  }
  :host([hidden]) { display: none !important; }
  :host([scheme='dark']) { ${dark} }
  @media (prefers-color-scheme: dark) {
    :host([scheme='auto']) { ${dark} }
  }
  * { box-sizing: border-box; margin: 0; padding: 0; }
  .root {
    display: block; position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
    font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--parley-text);
    visibility: visible; opacity: 1;
  }
  button { font: inherit; cursor: pointer; border: 0; background: none; color: inherit; }
  :host([position='left']) .root { right: auto; left: 20px; }
  :host([position='left']) .launcher { margin-left: 0; }
  .launcher {
    display: flex; align-items: center; justify-content: center; gap: 8px; position: relative; margin-left: auto;
    min-width: 56px; height: 56px; padding: 0 15px; border-radius: 28px; background: var(--parley-primary); color: var(--parley-on-primary);
    font-size: 15px; font-weight: 600;
    box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25);
  }
  .launcher svg { display: block; width: 26px; height: 26px; fill: currentColor; }
  .launcher:focus-visible, .panel button:focus-visible, textarea:focus-visible, input:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
  .badge {
    display: flex; align-items: center; justify-content: center; position: absolute; top: -4px; right: -4px;
    min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px; background: #d92d20; color: #fff;
    font-size: 12px; font-weight: 700;
  }
  .panel {
    display: flex; flex-direction: column; width: 360px; max-width: calc(100vw - 40px);
    height: 520px; max-height: calc(100vh - 110px); margin-bottom: 14px; background: var(--parley-bg);
    border-radius: 14px; box-shadow: 0 8px 30px rgba(0, 0, 0, 0.25); overflow: hidden;
  }
  .panel { animation: parley-in 0.18s ease-out; }
  @keyframes parley-in { from { opacity: 0; transform: translateY(8px); } }
  .transcript:focus-visible { outline: 3px solid #f5a623; outline-offset: -3px; }
  .meta time { display: inline; }
  .header { display: flex; flex-direction: column; gap: 4px; padding: 10px 14px; background: var(--parley-primary); color: var(--parley-on-primary); }
  .top, .sub { display: flex; align-items: center; gap: 8px; }
  .title { display: block; flex: 1; font-weight: 600; }
  .agent { display: inline; font-size: 12px; font-weight: 600; }
  .agent::before { content: '·'; margin-right: 6px; font-weight: 400; }
  .end { display: inline-block; margin-left: auto; padding: 2px 8px; border: 1px solid currentColor; border-radius: 6px; color: inherit; font-size: 12px; }
  .notice { display: block; padding: 8px 14px; font-size: 13px; background: var(--parley-notice); border-bottom: 1px solid var(--parley-notice-border); }
  .notice p { display: block; }
  .strong { font-weight: 600; }
  .away { background: var(--parley-away); border-color: var(--parley-away-border); }
  .confirm { background: var(--parley-bg); }
  .actions, .followup .line, .saved { display: flex; gap: 8px; align-items: center; margin-top: 6px; flex-wrap: wrap; }
  .followup { display: block; margin-top: 6px; }
  .followup label { display: block; font-size: 12px; }
  .followup input { display: block; flex: 1; min-width: 0; height: 32px; padding: 0 8px; font: inherit; border: 1px solid var(--parley-input-border); border-radius: 8px; background: var(--parley-bg); color: inherit; }
  .small { display: inline-flex; align-items: center; height: 32px; padding: 0 12px; border-radius: 8px; border: 1px solid var(--parley-input-border); background: var(--parley-bg); }
  .small[type='submit'], .danger { background: var(--parley-primary); color: var(--parley-on-primary); border-color: transparent; }
  .danger { background: #b42318; color: #fff; }
  .link { display: inline; text-decoration: underline; font-size: 12px; }
  button:disabled { opacity: 0.6; cursor: default; }
  .state { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; }
  .state::before { content: ''; display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #f5a623; }
  .state[data-state='online']::before { background: #3ddc84; }
  .state[data-state='offline']::before { background: #bbb; }
  .close { display: inline-flex; width: 28px; height: 28px; align-items: center; justify-content: center; border-radius: 6px; color: inherit; font-size: 20px; }
  .transcript { display: flex; flex-direction: column; gap: 8px; flex: 1; overflow-y: auto; padding: 14px; list-style: none; background: var(--parley-surface); }
  .empty { display: block; color: var(--parley-muted); text-align: center; margin: auto 0; }
  .row { display: flex; flex-direction: column; max-width: 80%; }
  .row[data-author='visitor'] { align-self: flex-end; align-items: flex-end; }
  .row[data-author='agent'], .row[data-author='bot'] { align-self: flex-start; }
  .row.event {
    display: block; align-self: center; max-width: 100%; padding: 3px 10px; border-radius: 999px;
    background: var(--parley-pill); color: var(--parley-muted); font-size: 12px; font-style: italic; text-align: center;
  }
  .author { display: block; font-size: 11px; color: var(--parley-muted); margin-bottom: 2px; }
  .bubble { display: block; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; background: var(--parley-bg); border: 1px solid var(--parley-border); }
  .row[data-author='visitor'] .bubble { background: var(--parley-primary); color: var(--parley-on-primary); border-color: transparent; }
  .row[data-status='sending'] .bubble { opacity: 0.65; }
  .row[data-status='failed'] .bubble { background: var(--parley-failed-bg); color: var(--parley-failed-text); border-color: var(--parley-failed-border); }
  .meta { display: flex; gap: 8px; font-size: 11px; color: var(--parley-muted); margin-top: 2px; }
  .row[data-status='failed'] .meta { color: var(--parley-error); }
  .meta button { display: inline; text-decoration: underline; }
  .typing { display: block; padding: 4px 14px; font-size: 12px; color: var(--parley-muted); font-style: italic; }
  .composer { display: flex; flex-direction: column; gap: 4px; padding: 10px 12px; border-top: 1px solid var(--parley-border); }
  .line { display: flex; gap: 8px; align-items: flex-end; }
  textarea {
    display: block; flex: 1; min-height: 40px; max-height: 120px; padding: 9px 10px; resize: none;
    font: inherit; color: inherit; background: var(--parley-bg); border: 1px solid var(--parley-input-border); border-radius: 10px;
  }
  .send { display: inline-flex; align-items: center; height: 40px; padding: 0 14px; border-radius: 10px; background: var(--parley-primary); color: var(--parley-on-primary); font-weight: 600; }
  .attach { display: inline-flex; align-items: center; justify-content: center; width: 40px; height: 40px; border-radius: 10px; border: 1px solid var(--parley-input-border); color: var(--parley-muted); }
  .attach:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
  .picture { display: block; margin-bottom: 4px; border-radius: 12px; overflow: hidden; background: var(--parley-pill); }
  .picture img { display: block; max-width: 220px; max-height: 220px; width: auto; height: auto; object-fit: contain; }
  .replies { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
  .replies .small { color: var(--parley-primary); border-color: currentColor; }
  .card a, .desc { display: block; color: inherit; }
  .desc { margin-top: 2px; color: var(--parley-muted); }
  .placeholder { padding: 24px 16px; font-size: 12px; color: var(--parley-muted); }
  .progress { display: flex; align-items: center; gap: 8px; font-size: 12px; color: var(--parley-muted); }
  .progress progress { display: block; flex: 1; height: 6px; }
  .hint { display: block; font-size: 11px; color: var(--parley-muted); text-align: right; }
  .hint[data-over] { color: var(--parley-error); font-weight: 600; }
  .error { display: block; font-size: 12px; color: var(--parley-error); }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  @media (max-width: 480px) {
    .root { right: 10px; bottom: 10px; }
    /* Full screen, sized to the visual viewport so the composer stays above a mobile keyboard. */
    .panel {
      position: fixed; left: 0; top: var(--parley-vvtop, 0px); width: 100%; max-width: none; height: 100vh; height: var(--parley-vvh, 100dvh);
      max-height: none; margin: 0; border-radius: 0;
    }
    :host([open]) .launcher { display: none; }
    textarea { font-size: 16px; } /* below 16px, iOS zooms the page on focus */
    :host([position='left']) .root { right: auto; left: 10px; }
  }
  @media (prefers-reduced-motion: reduce) {
    * { transition: none !important; animation: none !important; }
  }
`;
