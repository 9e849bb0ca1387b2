import http from 'node:http';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { Role } from '../src/access/roles';
import { startTestHub, ok, type TestHub } from './helpers/hub';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';

/**
 * Fuzzing every argument of every root operation, generated from the schema as introspection
 * shows it: for each query and mutation, a valid baseline call (so the resolver really runs), then
 * one argument or nested input field at a time replaced by a bad value of each class below, sent
 * with a role that may call the field and with one that may not. No answer may be
 * INTERNAL_SERVER_ERROR, `/healthz` must keep answering 200 meanwhile (each probe may wait up to
 * 10 s: a liveness bound, not a speed claim; the slowest probe is printed, never asserted, because
 * CI shares two cores), and the hub must answer normally afterwards.
 */

const ROLE_UNITS: Record<Role, string> = {
  CASE_OFFICER: 'ZJ-HZ-ZJ',
  AGENCY_REVIEWER: 'ZJ-HZ',
  SUPERVISOR: 'ZJ',
  ADMIN: 'ZJ',
  DEPARTMENT_STAFF: 'ZJ-HZ-RS',
};
const ROLES = Object.keys(ROLE_UNITS) as Role[];

const MB = 'x'.repeat(1 << 20);
const HUGE_LIST = Array.from({ length: 50_000 }, () => 'NOPE');

/** Every argument and input field gets these … */
const ALWAYS: Record<string, unknown> = { nul: 'ZJ\u0000', tooLong: MB, hugeList: HUGE_LIST };
/** … and SAMPLED of these, in rotation, so that every class meets many arguments (run time ≤ 1 min). */
const SAMPLED = 5;
const CLASSES: Record<string, unknown> = {
  control: 'a\u0007b\u001b[31m',
  empty: '',
  null: null,
  wrongTypeNumber: 12345,
  wrongTypeObject: { a: 1 },
  wrongTypeBool: true,
  extremeInt: 2147483648,
  negativeInt: -2147483648,
  extremeFloat: 1e308,
  yearZeroDate: '0000-01-01',
  yearZeroDateTime: '0000-01-01T00:00:00Z',
  impossibleDate: '2026-02-30',
  farFuture: '9999-12-31T23:59:59Z',
  badId: '99999999999',
  negativeId: '-1',
  textId: 'abc',
  badIdNumber: '330106197903159460',
  emoji: '😀👨‍👩‍👧',
  sql: "ZJ' OR '1'='1'; drop table unit; --",
  like: '%_\\',
};
/** The role that may not call a field gets ALWAYS (its refusal must not depend on the value). */

interface Counts {
  requests: number;
  resent: number;
  refused: number;
  answered: number;
  ise: { field: string; at: string; cls: string; role: string; message: string }[];
}

let t: TestHub;
let caseId: string;
let schema: GraphQLSchema;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  t = await startTestHub({ DUPLICATE_CHECKS_PER_HOUR: '100000', DUPLICATE_CHECKS_PER_DAY: '1000000' });
  await loadDemoUnits(t);
  for (const r of ROLES) tokens[r] = await t.token(r, ROLE_UNITS[r]);
  caseId = await terminatedCase(t, tokens.CASE_OFFICER, tokens.AGENCY_REVIEWER);
  const intro = ok<IntrospectionQuery>(await t.gql(getIntrospectionQuery(), {}, tokens.SUPERVISOR));
  schema = buildClientSchema(intro);
}, 60_000);
afterAll(() => t.close());

/** A plausible valid value for an input position, so that the resolver runs past coercion. */
function valid(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return valid(type.ofType, name);
  if (isListType(type)) return [valid(type.ofType, name)];
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, valid(f.type, f.name)]));
  }
  switch (type.name) {
    case 'ID':
      return caseId;
    case 'Int':
      return 1;
    case 'Float':
      return 0.5;
    case 'Boolean':
      return false;
    case 'DateTimeISO':
      return '2026-06-01T02:00:00Z';
    case 'LocalDate':
      return '2026-06-01';
    case 'JSONObject':
      return {};
  }
  if (/code$/i.test(name) || name === 'a' || name === 'b') return 'ZJ-HZ-ZJ';
  if (/(At|On|Date|^from|^to|deadline|periodFrom|periodTo)$/.test(name)) return '2026-06-01';
  if (name === 'idNumber') return '330106197903159461';
  if (/phone$/i.test(name)) return '13867142593';
  if (name === 'after' || name === 'idempotencyKey') return undefined;
  return '测试文字';
}

/** Every argument and nested input field as a path of names, with its type. */
function leaves(field: GraphQLField<unknown, unknown>): { path: string[]; type: GraphQLInputType }[] {
  const out: { path: string[]; type: GraphQLInputType }[] = [];
  const walk = (path: string[], type: GraphQLInputType, depth: number) => {
    out.push({ path, type });
    const named = getNamedType(type) as GraphQLNamedType;
    if (isInputObjectType(named) && depth < 3)
      for (const f of Object.values(named.getFields())) walk([...path, f.name], f.type, depth + 1);
  };
  for (const a of field.args) walk([a.name], a.type, 0);
  return out;
}

function setAt(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  let cur = copy as Record<string, any>;
  for (const p of path.slice(0, -1)) cur = cur[p] ??= {};
  cur[path[path.length - 1]] = value;
  return copy;
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const defs = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const sel = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''}${sel} }`;
}

async function pool<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

it('answers every bad value of every argument without an internal error, staying alive', async () => {
  const counts: Counts = { requests: 0, resent: 0, refused: 0, answered: 0, ise: [] };
  const base = t.url.replace(/\/graphql$/, '');
  let slowestHealthz = 0;
  let probing = true;
  // A fresh connection per probe (no keep-alive race with the server's idle timeout).
  const probe = () =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(`${base}/healthz`, { agent: false, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('healthz timed out')));
      req.on('error', reject);
    });
  const prober = (async () => {
    while (probing) {
      const started = Date.now();
      expect(await probe()).toBe(200);
      slowestHealthz = Math.max(slowestHealthz, Date.now() - started);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const send = async (
    query: string,
    variables: Record<string, unknown>,
    role: Role,
    where: { field: string; at: string; cls: string },
  ) => {
    // A connection the server closed as idle just as a request went out on it (under a loaded
    // machine both timers fire late) is the transport's, not the hub's: sent once more, counted.
    const r = await t.gql(query, variables, tokens[role]).catch(() => {
      counts.resent++;
      return t.gql(query, variables, tokens[role]);
    });
    counts.requests++;
    const codes = (r.errors ?? []).map((e) => e.extensions?.code);
    if (r.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
      counts.ise.push({ ...where, role, message: r.errors?.[0]?.message ?? `HTTP ${r.status}` });
    } else if (codes.length) counts.refused++;
    else counts.answered++;
    return codes;
  };

  const jobs: (() => Promise<void>)[] = [];
  const classNames = Object.keys(CLASSES);
  const classesSent = new Set<string>();
  const started = Date.now();
  let fields = 0;
  let args = 0;
  for (const kind of ['query', 'mutation'] as const) {
    const root = kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
    for (const field of Object.values(root.getFields())) {
      if (!field.args.length) continue;
      fields++;
      const query = operationFor(kind, field);
      const baseline = Object.fromEntries(field.args.map((a) => [a.name, valid(a.type, a.name)]));
      // Which roles may call it: those not refused FORBIDDEN on the valid baseline.
      const allowed: Role[] = [];
      const denied: Role[] = [];
      for (const role of ROLES) {
        const codes = await send(query, baseline, role, {
          field: field.name,
          at: '(baseline)',
          cls: 'valid',
        });
        (codes.includes('FORBIDDEN') ? denied : allowed).push(role);
      }
      for (const leaf of leaves(field)) {
        args++;
        const at = leaf.path.join('.');
        const sampled = Array.from(
          { length: SAMPLED },
          (_, i) => classNames[(args * SAMPLED + i) % classNames.length],
        );
        for (const cls of [...Object.keys(ALWAYS), ...sampled]) {
          const vars = setAt(baseline, leaf.path, ALWAYS[cls] ?? CLASSES[cls]);
          const where = { field: field.name, at, cls };
          classesSent.add(cls);
          if (allowed[0]) jobs.push(() => send(query, vars, allowed[0], where).then(() => undefined));
          if (denied[0] && cls in ALWAYS)
            jobs.push(() => send(query, vars, denied[0], where).then(() => undefined));
        }
        // Scalars of the right type but holding the bad content, inside a list where there is one.
        if (
          isListType(isNonNullType(leaf.type) ? leaf.type.ofType : leaf.type) &&
          isScalarType(getNamedType(leaf.type))
        ) {
          const vars = setAt(baseline, leaf.path, ['ZJ\u0000']);
          if (allowed[0])
            jobs.push(() =>
              send(query, vars, allowed[0], { field: field.name, at, cls: 'nulItem' }).then(() => undefined),
            );
        }
      }
    }
  }
  try {
    await pool(jobs, 6, (job) => job());
  } finally {
    probing = false;
    await prober;
  }

  // The hub still answers normally.
  expect(ok(await t.gql('{ me { userId } }', {}, tokens.CASE_OFFICER)).me.userId).toBeTruthy();
  const summary = {
    fields,
    arguments: args,
    requests: counts.requests,
    refused: counts.refused,
    answered: counts.answered,
    resentAfterClosedConnection: counts.resent,
    internalErrors: counts.ise.length,
    slowestHealthzMs: slowestHealthz,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(`fuzz: ${JSON.stringify(summary)}`);
  expect(counts.ise.slice(0, 30)).toEqual([]);
  expect(fields).toBeGreaterThan(50);
  expect([...classesSent].sort()).toEqual([...Object.keys(ALWAYS), ...classNames].sort());
}, 300_000);
