/**
 * Whether an error means "the database cannot be reached right now" (refused or lost connection,
 * server shutting down or starting up), as opposed to a bad statement: such a request may be
 * retried as it is (with the same idempotency key), and is answered DATABASE_UNAVAILABLE, HTTP 503.
 * Looks through the wrappers MikroORM, knex and pg put around the socket error.
 */
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const MESSAGES =
  /Connection terminated|connection error|Connection ended unexpectedly|Timeout acquiring a connection|terminating connection|the database system is (starting up|shutting down|in recovery mode)|ECONNREFUSED/i;

export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 6) return false;
  const x = e as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown;
  };
  if (typeof x.code === 'string' && CODES.has(x.code)) return true;
  if (typeof x.message === 'string' && MESSAGES.test(x.message)) return true;
  if (Array.isArray(x.errors) && x.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1)))
    return true;
  return isDatabaseUnavailable(x.cause, depth + 1) || isDatabaseUnavailable(x.originalError, depth + 1);
}
