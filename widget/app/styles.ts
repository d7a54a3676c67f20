import { css } from 'lit';

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
  }
  * { box-sizing: border-box; margin: 0; padding: 0; }
  .root {
    display: block; position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
    font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1d2330;
    visibility: visible; opacity: 1;
  }
  button { font: inherit; cursor: pointer; border: 0; background: none; color: inherit; }
  .launcher {
    display: flex; align-items: center; justify-content: center; position: relative; margin-left: auto;
    width: 56px; height: 56px; border-radius: 50%; background: var(--parley-primary); color: #fff;
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
    height: 520px; max-height: calc(100vh - 110px); margin-bottom: 14px; background: #fff;
    border-radius: 14px; box-shadow: 0 8px 30px rgba(0, 0, 0, 0.25); overflow: hidden;
  }
  .header { display: flex; flex-direction: column; gap: 4px; padding: 10px 14px; background: var(--parley-primary); color: #fff; }
  .top, .sub { display: flex; align-items: center; gap: 8px; }
  .title { display: block; flex: 1; font-weight: 600; }
  .agent { display: inline; font-size: 12px; font-weight: 600; }
  .agent::before { content: '·'; margin-right: 6px; font-weight: 400; }
  .end { display: inline-block; margin-left: auto; padding: 2px 8px; border: 1px solid rgba(255, 255, 255, 0.7); border-radius: 6px; color: #fff; font-size: 12px; }
  .notice { display: block; padding: 8px 14px; font-size: 13px; background: #eef2ff; border-bottom: 1px solid #d8def5; }
  .notice p { display: block; }
  .strong { font-weight: 600; }
  .away { background: #fff8e6; border-color: #f1dfb0; }
  .confirm { background: #fff; }
  .actions, .followup .line, .saved { display: flex; gap: 8px; align-items: center; margin-top: 6px; flex-wrap: wrap; }
  .followup { display: block; margin-top: 6px; }
  .followup label { display: block; font-size: 12px; }
  .followup input { display: block; flex: 1; min-width: 0; height: 32px; padding: 0 8px; font: inherit; border: 1px solid #cfd4df; border-radius: 8px; background: #fff; color: inherit; }
  .small { display: inline-flex; align-items: center; height: 32px; padding: 0 12px; border-radius: 8px; border: 1px solid #cfd4df; background: #fff; }
  .small[type='submit'], .danger { background: var(--parley-primary); color: #fff; border-color: transparent; }
  .danger { background: #b42318; }
  .link { display: inline; text-decoration: underline; font-size: 12px; }
  button:disabled { opacity: 0.6; cursor: default; }
  .state { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; }
  .state::before { content: ''; display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #f5a623; }
  .state[data-state='online']::before { background: #3ddc84; }
  .state[data-state='offline']::before { background: #bbb; }
  .close { display: inline-flex; width: 28px; height: 28px; align-items: center; justify-content: center; border-radius: 6px; color: #fff; font-size: 20px; }
  .transcript { display: flex; flex-direction: column; gap: 8px; flex: 1; overflow-y: auto; padding: 14px; list-style: none; background: #f6f7fb; }
  .empty { display: block; color: #5b6475; text-align: center; margin: auto 0; }
  .row { display: flex; flex-direction: column; max-width: 80%; }
  .row[data-author='visitor'] { align-self: flex-end; align-items: flex-end; }
  .row[data-author='agent'], .row[data-author='bot'] { align-self: flex-start; }
  .row.event {
    display: block; align-self: center; max-width: 100%; padding: 3px 10px; border-radius: 999px;
    background: #e9ecf4; color: #414a5c; font-size: 12px; font-style: italic; text-align: center;
  }
  .author { display: block; font-size: 11px; color: #5b6475; margin-bottom: 2px; }
  .bubble { display: block; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; background: #fff; border: 1px solid #e3e6ee; }
  .row[data-author='visitor'] .bubble { background: var(--parley-primary); color: #fff; border-color: transparent; }
  .row[data-status='sending'] .bubble { opacity: 0.65; }
  .row[data-status='failed'] .bubble { background: #fff1f0; color: #8a1c12; border-color: #f3b4ae; }
  .meta { display: flex; gap: 8px; font-size: 11px; color: #5b6475; margin-top: 2px; }
  .row[data-status='failed'] .meta { color: #b42318; }
  .meta button { display: inline; text-decoration: underline; }
  .typing { display: block; padding: 4px 14px; font-size: 12px; color: #5b6475; font-style: italic; }
  .composer { display: flex; flex-direction: column; gap: 4px; padding: 10px 12px; border-top: 1px solid #e3e6ee; }
  .line { display: flex; gap: 8px; align-items: flex-end; }
  textarea {
    display: block; flex: 1; min-height: 40px; max-height: 120px; padding: 9px 10px; resize: none;
    font: inherit; color: inherit; background: #fff; border: 1px solid #cfd4df; border-radius: 10px;
  }
  .send { display: inline-flex; align-items: center; height: 40px; padding: 0 14px; border-radius: 10px; background: var(--parley-primary); color: #fff; font-weight: 600; }
  .attach { display: inline-flex; align-items: center; justify-content: center; width: 40px; height: 40px; border-radius: 10px; border: 1px solid #cfd4df; color: #414a5c; }
  .attach:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
  .picture { display: block; margin-bottom: 4px; border-radius: 12px; overflow: hidden; background: #e9ecf4; }
  .picture img { display: block; max-width: 220px; max-height: 220px; width: auto; height: auto; object-fit: contain; }
  .replies { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
  .replies .small { color: var(--parley-primary); border-color: currentColor; }
  .card a, .desc { display: block; color: inherit; }
  .desc { margin-top: 2px; color: #414a5c; }
  .placeholder { padding: 24px 16px; font-size: 12px; color: #5b6475; }
  .progress { display: flex; align-items: center; gap: 8px; font-size: 12px; color: #414a5c; }
  .progress progress { display: block; flex: 1; height: 6px; }
  .hint { display: block; font-size: 11px; color: #5b6475; text-align: right; }
  .hint[data-over] { color: #b42318; font-weight: 600; }
  .error { display: block; font-size: 12px; color: #b42318; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  @media (max-width: 480px) {
    .root { right: 10px; bottom: 10px; }
  }
  @media (prefers-reduced-motion: reduce) {
    * { transition: none !important; animation: none !important; }
  }
`;
