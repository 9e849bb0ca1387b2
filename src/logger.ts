import pino from 'pino';

/**
 * Structured logs. Personal data must never reach them: request bodies, GraphQL variables and
 * tokens are never passed to the logger, and these paths are redacted as a second line of defence.
 */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: { service: 'petition-hub' },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          'variables',
          '*.variables',
          'token',
          '*.token',
        ],
        censor: '[REDACTED]',
      },
    },
    destination,
  );
}
export type Logger = ReturnType<typeof createLogger>;
