import './zod-jitless.ts';
import { render } from 'preact';
import { connectAgentSocket } from './api/agent-socket.ts';
import { App } from './app.tsx';

/** Entry of dist/desktop/main.js, loaded by index.html. */
const root = document.getElementById('app');
if (root) render(<App connect={() => connectAgentSocket()} />, root);
