import { ERROR_CODES } from '../../protocol/errors.ts';
import { code, generatedNotice, table } from './markdown.ts';

/** docs/api/errors.md, from the closed table `ERROR_CODES` of protocol/errors.ts. */
export function errorsPage(): string {
  const rows = Object.entries(ERROR_CODES).map(([name, e]) => [code(name), String(e.status), e.retryable ? 'yes' : 'no', e.message]);
  return `${generatedNotice('protocol/errors.ts')}

# Errors

Every error Parley returns carries one of the codes below: \`{ code, message, details?, retryAfterMs? }\`.
Over HTTP it is the body \`{ "error": { … } }\` with the status below; on a socket it is the ack
\`{ ok: false, error: { … } }\`. \`message\` is the default text below unless the server says more precisely what
went wrong; \`details\` lists field problems as \`{ path, message }\` (validation); \`retryAfterMs\` tells how long to wait
(\`RATE_LIMITED\`; HTTP answers also carry \`Retry-After\`).

*Retryable* errors are temporary: keep what you sent and try again later (the widget's outbox does, with the same
\`clientId\`, so nothing is stored twice). Any other error will not change by retrying the same request.

${table(['Code', 'HTTP status', 'Retryable', 'Default message'], rows)}
`;
}
