import type { ApolloServerPlugin } from '@apollo/server';
import { DatabaseUnavailableError } from '../errors';

/**
 * A response that carries DATABASE_UNAVAILABLE (graphql/format-error.ts turns the driver's
 * connection errors into it) goes out as HTTP 503 with Retry-After, so that clients and load
 * balancers retry instead of reporting a failure of the hub.
 */
export function databaseUnavailablePlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          if (!errors.some((e) => e.extensions?.code === 'DATABASE_UNAVAILABLE')) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DatabaseUnavailableError.RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
