import type { Config } from '../config';
import type { BlindIndex, FieldCipher } from '../modules/petitioner/crypto';
import type { UnitTreeCache } from '../modules/org/unit-tree';
import type { HubMetrics } from './metrics';

/**
 * Process-wide dependencies that services share (configuration, keys, clock). Made by createDeps
 * (src/services.ts). A leaf module of types only, so that services need not import
 * src/services.ts, which imports them all.
 */
export interface Deps {
  config: Config;
  cipher: FieldCipher;
  blindIndex: BlindIndex;
  /** The clock, injectable so tests can move time. */
  now: () => Date;
  /** This instance's Prometheus metrics (src/shared/metrics.ts), served at GET /metrics. */
  metrics: HubMetrics;
  /** The unit tree, cached while the hub listens for its changes (org/unit-tree.ts). */
  unitTree: UnitTreeCache;
}
