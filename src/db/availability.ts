import { ConnectionException } from '@mikro-orm/core';

/**
 * Is this error the database being unreachable (down, restarting, refusing connections, or not
 * answering within DATABASE_TIMEOUT_MS) rather than something the request did? Such a request
 * is answered 503 DATABASE_UNAVAILABLE, retryable, instead of an internal error. A wait for a
 * free pooled connection (`Knex: Timeout acquiring a connection`) is not: the pool being full
 * is load, and the database answers.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as Record<string, unknown> | undefined, depth = 0; e && depth < 5; depth++) {
    if (e instanceof ConnectionException) return true;
    const code = typeof e.code === 'string' ? e.code : undefined;
    // Node socket errors; SQLSTATE class 08 (connection exception), 57P01–57P03 (server shutting
    // down, crashed, starting up), 53300 (too many connections).
    if (code && (NET_CODES.has(code) || /^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300'))
      return true;
    const message = typeof e.message === 'string' ? e.message : '';
    if (UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return true;
    // an AggregateError (every address of the host refused) carries the socket errors inside
    if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    e = (e.cause ?? e.previous ?? e.originalError) as Record<string, unknown> | undefined;
  }
  return false;
}

const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i, // pg: the server closed the socket
  /timeout exceeded when trying to connect/i, // pg: connectionTimeoutMillis
  /Client has encountered a connection error and is not queryable/i,
  /Connection ended unexpectedly/i, // pg: a pooled connection whose server was killed
  /terminating connection/i, // the server ends the session (shutdown, crash of another backend)
  /Transaction query already complete/i, // knex: the transaction's connection died under it
  /the database system is (starting up|shutting down|in recovery mode)/i,
];
