import { hostname } from 'node:os';
import { pino, stdSerializers, type Level, type Logger } from 'pino';
import { describeRootCause } from './root-cause.ts';

/**
 * The one way the server writes to its output: JSON lines (pino), each naming the node that wrote
 * it (host, port, pid), so that the lines of several nodes can be told apart once collected.
 * An error is logged with its root cause in words (`rootCause: "connection refused (…)"`).
 */
export interface NodeLogger {
  logger: Logger;
  /** The port actually bound (port 0 is only known after listening). */
  setPort(port: number): void;
}

export function createNodeLogger(options: { level: Level | 'silent'; /** null: not a serving process (a command). */ port: number | null; destination?: pino.DestinationStream }): NodeLogger {
  let port = options.port;
  const logger = pino(
    {
      level: options.level,
      base: { app: 'parley', host: hostname(), pid: process.pid },
      mixin: () => (port === null ? {} : { port }),
      serializers: {
        err: (err: Error) => ({ ...stdSerializers.err(err), rootCause: describeRootCause(err) }),
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
  return {
    logger,
    setPort(bound) {
      port = bound;
    },
  };
}
