import type express from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Config } from '../config';
import { allowReplicaReads, noteWrite, withReadRouting, wroteRecently } from '../db/replicas';
import type { Context } from './context';

/**
 * Read-replica routing of GraphQL requests (rules in src/db/replicas.ts). Mount
 * `readRoutingScope` after the body parser (a body parser's stream callbacks would lose the
 * request's async context) and the plugin in Apollo; with no replicas configured both do nothing.
 */
export function readRoutingScope(config: Config): express.RequestHandler {
  if (!config.replicas.urls.length) return (_req, _res, next) => next();
  return (_req, _res, next) => withReadRouting(() => next());
}

export function readRoutingPlugin(config: Config): ApolloServerPlugin<Context> {
  const { urls, readYourWritesSeconds } = config.replicas;
  if (!urls.length) return {};
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          const { actor, em } = contextValue;
          if (operation?.operation !== 'query' || !actor) return;
          if (!(await wroteRecently(em, actor.userId))) allowReplicaReads();
        },
        async willSendResponse({ operation, contextValue }) {
          const { actor, em, logger, requestId } = contextValue;
          if (operation?.operation !== 'mutation' || !actor) return;
          // Before the answer leaves: the writer's very next request already finds the note.
          try {
            await noteWrite(em, actor.userId, readYourWritesSeconds);
          } catch (e) {
            logger.warn({ err: { name: (e as Error).name }, requestId }, 'read-your-writes note failed');
          }
        },
      };
    },
  };
}
