import path from 'node:path';
import { parseKeyring } from './modules/petitioner/crypto';
import { parseDurationSeconds } from './shared/duration';

/**
 * Every setting comes from the environment and is checked once, at start.
 * A missing or malformed setting stops the start with one message that names it.
 */

/** Statutory periods in days (信访工作条例 2022 by default). */
export interface PeriodPolicy {
  acceptanceReplyDays: number;
  handlingDays: number;
  handlingExtensionDays: number;
  reviewRequestDays: number;
  reviewDays: number;
  reReviewRequestDays: number;
  reReviewDays: number;
}

/** Return-visit policy after termination (DESIGN.md §2.3): first visit, then every interval, for a period. */
export interface VisitPolicy {
  /** The first visit is due this many days after termination. */
  firstDays: number;
  /** Then one visit every this many days … */
  intervalDays: number;
  /** … for this many months after termination. */
  periodMonths: number;
}

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  logLevel: string;
  /** Absent: an embedded PostgreSQL is started under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  /** Longest wait for opening a database connection before DATABASE_UNAVAILABLE (DATABASE_TIMEOUT_MS). */
  databaseTimeoutMs: number;
  auth: {
    /** HS256 secret for development tokens; never accepted in production. */
    devSecret?: string;
    jwksUrl?: string;
    jwksFile?: string;
    issuer: string;
    audience: string;
    /** Longest lifetime a token may have, `exp − iat` in seconds (AUTH_MAX_TOKEN_LIFETIME). */
    maxTokenLifetimeSeconds: number;
    /** Clock skew allowed on `exp`, `iat` and `nbf`, in seconds (AUTH_CLOCK_TOLERANCE). */
    clockToleranceSeconds: number;
    /** Verified tokens kept in the process until their exp (AUTH_VERIFIED_TOKEN_CACHE; 0: none). */
    verifiedTokenCacheSize: number;
  };
  personalDataKeys: string;
  blindIndexKey: string;
  decisionNumberFormat: string;
  /**
   * Duplicate checks one user may run per hour and per day, and all users of one unit together
   * (the check is an identity oracle); how many different identities one user may check against
   * one content, and in one day (more: ORACLE_SUSPECTED); how many of one petitioner's terminated
   * cases one check compares (more: the answer is marked incomplete).
   */
  duplicateCheckQuota: {
    perHour: number;
    perDay: number;
    perUnitHour: number;
    perUnitDay: number;
    identitiesPerContent: number;
    identitiesPerDay: number;
    maxOwnCases: number;
  };
  /** Reveals one supervisor may make (REVEALS_PER_HOUR / _PER_DAY); REVEAL_BURST_PER_HOUR reported for review. */
  revealQuota: { perHour: number; perDay: number; burstPerHour: number };
  /** Query cost one user may spend per minute, all instances together (REQUEST_BUDGET_PER_MINUTE; 0: off). */
  requestBudgetPerMinute: number;
  periods: PeriodPolicy;
  visitPolicy: VisitPolicy;
  /** Largest file accepted by POST /files, in bytes (FILE_MAX_BYTES). */
  fileMaxBytes: number;
  /** GraphQL introspection (GRAPHQL_INTROSPECTION); like every operation it needs a token. */
  introspection: boolean;
  /** GraphQL Playground served offline at GET /graphql for browsers (GRAPHQL_PLAYGROUND). */
  playground: boolean;
  /** Limits checked before a query runs (src/graphql/limits.ts): GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COST. */
  limits: { maxDepth: number; maxCost: number };
  /** Supervision (src/modules/supervision): TRACKING_STALE_DAYS, the default of the stale-tracking inspection. */
  supervision: { trackingStaleDays: number };
  /** GET /metrics (src/http/metrics.ts): METRICS_TOKEN; without one it is open in development/test, off in production. */
  metrics: { token?: string };
  /**
   * PostgreSQL streaming replicas for read-only look-ups (DATABASE_REPLICA_URLS), and how long after a
   * user's write that user's requests still read from the primary (READ_YOUR_WRITES_SECONDS).
   */
  replicas: { urls: string[]; readYourWritesSeconds: number };
}

/** Development-only defaults. Production refuses every one of them. */
export const DEV_DEFAULTS = {
  authDevSecret: 'dev-only-secret-do-not-use-in-production-0123456789',
  // Public, well-known values: fine for demo data, useless as secrets, hence refused in production.
  personalDataKeys: 'dev1:ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE=',
  blindIndexKey: 'ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LW5vdC1mb3ItcHJvZA==',
} as const;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`配置错误 (configuration error):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, dflt: number, min = 0, max = 1_000_000) => {
    const v = str(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} 必须是 ${min}–${max} 之间的整数 (got "${v}")`);
      return dflt;
    }
    return n;
  };
  /** Seconds, or a number with a unit: `90s`, `30m`, `12h`, `1d`. */
  const seconds = (name: string, dflt: number, min: number, max: number) => {
    const v = str(name);
    if (v === undefined) return dflt;
    const n = parseDurationSeconds(v);
    if (!(n >= min && n <= max)) {
      problems.push(`${name} 必须是 ${min}–${max} 秒之间的时长，如 12h、30m、3600 (got "${v}")`);
      return dflt;
    }
    return n;
  };
  const bool = (name: string, dflt: boolean) => {
    const v = str(name)?.toLowerCase();
    if (v === undefined) return dflt;
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    problems.push(`${name} 必须是 true 或 false (got "${str(name)}")`);
    return dflt;
  };

  const nodeEnv = str('NODE_ENV') ?? 'development';
  if (!['development', 'test', 'production'].includes(nodeEnv)) {
    problems.push(`NODE_ENV 必须是 development、test 或 production (got "${nodeEnv}")`);
  }
  const prod = nodeEnv === 'production';

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL 必须是 postgres:// 连接串');
  }
  if (prod && !databaseUrl) problems.push('DATABASE_URL 在生产环境中必须设置（生产环境不启动内嵌数据库）');

  const devSecret = str('AUTH_DEV_SECRET') ?? (prod ? undefined : DEV_DEFAULTS.authDevSecret);
  if (prod && str('AUTH_DEV_SECRET')) problems.push('AUTH_DEV_SECRET 在生产环境中不允许设置（开发令牌密钥）');
  if (devSecret && devSecret.length < 32) problems.push('AUTH_DEV_SECRET 至少 32 个字符');

  const jwksUrl = str('AUTH_JWKS_URL');
  const jwksFile = str('AUTH_JWKS_FILE');
  if (jwksUrl && !/^https?:\/\//.test(jwksUrl)) problems.push('AUTH_JWKS_URL 必须是 http(s) 地址');
  if (prod && !jwksUrl && !jwksFile)
    problems.push('AUTH_JWKS_URL 或 AUTH_JWKS_FILE 在生产环境中必须设置（身份提供方公钥集）');
  const issuer = str('AUTH_ISSUER') ?? (prod ? undefined : 'petition-hub-dev');
  const audience = str('AUTH_AUDIENCE') ?? (prod ? undefined : 'petition-hub');
  if (!issuer) problems.push('AUTH_ISSUER 在生产环境中必须设置');
  if (!audience) problems.push('AUTH_AUDIENCE 在生产环境中必须设置');

  const personalDataKeys = str('PERSONAL_DATA_KEYS') ?? (prod ? undefined : DEV_DEFAULTS.personalDataKeys);
  const blindIndexKey = str('BLIND_INDEX_KEY') ?? (prod ? undefined : DEV_DEFAULTS.blindIndexKey);
  if (!personalDataKeys) problems.push('PERSONAL_DATA_KEYS 在生产环境中必须设置（个人信息加密密钥）');
  if (!blindIndexKey) problems.push('BLIND_INDEX_KEY 在生产环境中必须设置（盲索引密钥）');
  if (prod && personalDataKeys?.includes(DEV_DEFAULTS.personalDataKeys.split(':')[1])) {
    problems.push('PERSONAL_DATA_KEYS 含有开发密钥，生产环境拒绝使用');
  }
  if (prod && blindIndexKey === DEV_DEFAULTS.blindIndexKey)
    problems.push('BLIND_INDEX_KEY 是开发密钥，生产环境拒绝使用');

  if (personalDataKeys) {
    try {
      parseKeyring(personalDataKeys);
    } catch (e) {
      problems.push(
        `PERSONAL_DATA_KEYS 格式错误（应为 keyId:base64密钥,… 最后一个为当前密钥）：${(e as Error).message}`,
      );
    }
  }
  if (blindIndexKey && Buffer.from(blindIndexKey, 'base64').length < 32) {
    problems.push('BLIND_INDEX_KEY 必须是至少 32 字节的 base64 密钥');
  }

  const metricsToken = str('METRICS_TOKEN');
  if (metricsToken && !/^[\x21-\x7e]{16,200}$/.test(metricsToken))
    problems.push('METRICS_TOKEN 须为 16–200 个可见 ASCII 字符（不含空格）');
  const replicaUrls = (str('DATABASE_REPLICA_URLS') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const [i, u] of replicaUrls.entries())
    if (!/^postgres(ql)?:\/\//.test(u))
      problems.push(`DATABASE_REPLICA_URLS 第 ${i + 1} 项必须是 postgres:// 连接串（以逗号分隔）`);
  if (replicaUrls.length && !databaseUrl)
    problems.push('DATABASE_REPLICA_URLS 需要同时设置 DATABASE_URL（主库），内嵌数据库没有只读副本');

  const decisionNumberFormat = str('DECISION_NUMBER_FORMAT') ?? '浙信终字〔{year}〕第{n}号';
  if (!decisionNumberFormat.includes('{n}')) problems.push('DECISION_NUMBER_FORMAT 必须包含 {n}（序号）');

  const config: Config = {
    env: nodeEnv as Config['env'],
    port: int('PORT', 4000, 0, 65535),
    logLevel: str('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    databaseUrl,
    dataDir: path.resolve(str('DATA_DIR') ?? '.data'),
    embeddedPgPort: int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
    databaseTimeoutMs: int('DATABASE_TIMEOUT_MS', 5000, 100, 120_000),
    auth: {
      devSecret,
      jwksUrl,
      jwksFile,
      issuer: issuer ?? '',
      audience: audience ?? '',
      maxTokenLifetimeSeconds: seconds('AUTH_MAX_TOKEN_LIFETIME', 12 * 3600, 60, 7 * 86400),
      clockToleranceSeconds: seconds('AUTH_CLOCK_TOLERANCE', 60, 0, 600),
      verifiedTokenCacheSize: int('AUTH_VERIFIED_TOKEN_CACHE', 10_000, 0, 1_000_000),
    },
    personalDataKeys: personalDataKeys ?? '',
    blindIndexKey: blindIndexKey ?? '',
    decisionNumberFormat,
    duplicateCheckQuota: {
      perHour: int('DUPLICATE_CHECKS_PER_HOUR', 120, 1, 100_000),
      perDay: int('DUPLICATE_CHECKS_PER_DAY', 600, 1, 1_000_000),
      perUnitHour: int('DUPLICATE_CHECKS_PER_UNIT_PER_HOUR', 300, 1, 1_000_000),
      perUnitDay: int('DUPLICATE_CHECKS_PER_UNIT_PER_DAY', 1500, 1, 10_000_000),
      identitiesPerContent: int('DUPLICATE_ORACLE_MAX_IDENTITIES_PER_CONTENT', 3, 1, 1000),
      identitiesPerDay: int('DUPLICATE_ORACLE_MAX_IDENTITIES_PER_DAY', 50, 1, 10_000),
      maxOwnCases: int('DUPLICATE_CHECK_MAX_OWN_CASES', 200, 1, 10_000),
    },
    revealQuota: {
      perHour: int('REVEALS_PER_HOUR', 20, 1, 100_000),
      perDay: int('REVEALS_PER_DAY', 60, 1, 1_000_000),
      burstPerHour: int('REVEAL_BURST_PER_HOUR', 10, 1, 100_000),
    },
    requestBudgetPerMinute: int('REQUEST_BUDGET_PER_MINUTE', 200_000, 0, 1_000_000_000),
    periods: {
      acceptanceReplyDays: int('PERIOD_ACCEPTANCE_REPLY_DAYS', 15, 1, 365),
      handlingDays: int('PERIOD_HANDLING_DAYS', 60, 1, 365),
      handlingExtensionDays: int('PERIOD_HANDLING_EXTENSION_DAYS', 30, 0, 365),
      reviewRequestDays: int('PERIOD_REVIEW_REQUEST_DAYS', 30, 1, 365),
      reviewDays: int('PERIOD_REVIEW_DAYS', 30, 1, 365),
      reReviewRequestDays: int('PERIOD_RE_REVIEW_REQUEST_DAYS', 30, 1, 365),
      reReviewDays: int('PERIOD_RE_REVIEW_DAYS', 30, 1, 365),
    },
    visitPolicy: {
      firstDays: int('VISIT_FIRST_DAYS', 30, 1, 365),
      intervalDays: int('VISIT_INTERVAL_DAYS', 90, 1, 365),
      periodMonths: int('VISIT_PERIOD_MONTHS', 12, 1, 120),
    },
    // Files are held in PostgreSQL and buffered while uploading, so the limit is capped at 100 MiB.
    fileMaxBytes: int('FILE_MAX_BYTES', 10 * 1024 * 1024, 1, 100 * 1024 * 1024),
    // Off in production unless configured: the schema and a query page are a map for an attacker.
    introspection: bool('GRAPHQL_INTROSPECTION', !prod),
    playground: bool('GRAPHQL_PLAYGROUND', !prod),
    limits: {
      maxDepth: int('GRAPHQL_MAX_DEPTH', 10, 2, 100),
      maxCost: int('GRAPHQL_MAX_COST', 20_000, 100, 10_000_000),
    },
    supervision: {
      trackingStaleDays: int('TRACKING_STALE_DAYS', 60, 1, 3650),
    },
    metrics: { token: metricsToken },
    replicas: { urls: replicaUrls, readYourWritesSeconds: int('READ_YOUR_WRITES_SECONDS', 10, 1, 3600) },
  };
  if (config.requestBudgetPerMinute > 0 && config.requestBudgetPerMinute < config.limits.maxCost)
    problems.push(
      'REQUEST_BUDGET_PER_MINUTE 不能小于 GRAPHQL_MAX_COST（否则允许的最大查询永远无法执行），0 表示不限',
    );
  const lvl = config.logLevel;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(lvl)) {
    problems.push(`LOG_LEVEL 无效 (got "${lvl}")`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
