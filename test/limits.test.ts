import { getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { startTestHub, ok, errorOf, type TestHub } from './helpers/hub';
import { loadDemoUnits } from './helpers/fixtures';
import { ConfigError, loadConfig } from '../src/config';
import { baseSchema } from '../src/graphql/schema';
import { costOf } from '../src/graphql/cost';
import {
  DEFAULT_LIST_SIZE,
  MAX_QUERY_NODES,
  depthLimitRule,
  cachedCost,
  ownCosts,
  queryCost,
} from '../src/graphql/limits';

/** `{ me { unit { parent { … { name } } } } }` with `levels` fields on the path. */
const deepMe = (levels: number) =>
  `{ me { unit { ${'parent { '.repeat(levels - 3)}name${' }'.repeat(levels - 3)} } } }`;

/** Errors of the depth rule alone, after GraphQL's own rules found the document valid. */
function depthErrors(query: string, max = 10) {
  const doc = parse(query);
  expect(validate(baseSchema(), doc, specifiedRules)).toEqual([]);
  return validate(baseSchema(), doc, [depthLimitRule(max)]).map((e) => ({
    message: e.message,
    ...e.extensions,
  }));
}
const cost = (query: string, variables?: Record<string, unknown>) =>
  queryCost(baseSchema(), parse(query), variables);
/** The own costs the fields declare (`@Cost`), by `Type.field`. */
const FIELD_COST = ownCosts(baseSchema());

describe('depth rule', () => {
  it('counts the fields on the longest path, through fragments', () => {
    expect(depthErrors(deepMe(10))).toEqual([]);
    expect(depthErrors(deepMe(11))).toEqual([
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 10, actual: 11 }),
    ]);
    const viaFragments = `
      query { me { ...U } }
      fragment U on Me { unit { ...P } }
      fragment P on Unit { parent { parent { name } } ... on Unit { code } }`;
    expect(depthErrors(viaFragments, 5)).toEqual([]);
    expect(depthErrors(viaFragments, 4)).toEqual([expect.objectContaining({ actual: 5 })]);
  });

  it('measures a fragment spread many times once (no blow-up)', () => {
    // 2^30 paths if every spread were walked anew.
    const frags = Array.from(
      { length: 30 },
      (_, i) =>
        `fragment F${i} on Unit { code ${i < 29 ? `parent { ...F${i + 1} } ancestors { ...F${i + 1} }` : ''} }`,
    ).join('\n');
    const started = Date.now();
    const errors = depthErrors(`{ units { ...F0 } }\n${frags}`, 100);
    expect(errors).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(depthErrors(`{ units { ...F0 } }\n${frags}`, 10)).toEqual([
      expect.objectContaining({ actual: 31 }),
    ]);
  });

  it("does not count introspection (GraphQL's own rule bounds its nesting)", () => {
    expect(depthErrors(getIntrospectionQuery({ descriptions: true }), 2)).toEqual([]);
  });
});

describe('cost model', () => {
  it('makes introspection and the liveness probe free', () => {
    expect(cost(getIntrospectionQuery({ descriptions: true, directiveIsRepeatable: true }))).toBe(0);
    expect(cost('{ __typename }')).toBe(0);
  });

  it('counts every field once and multiplies a page by its first, as sent in the variables', () => {
    expect(cost('{ me { name role } }')).toBe(3);
    // terminatedCases 1 + first × (nodes 1 + id 1 + title 1); nodes are the page, counted once.
    expect(cost('{ terminatedCases(first: 10) { nodes { id title } } }')).toBe(1 + 10 * 3);
    const Q = 'query($n: Int!) { terminatedCases(first: $n) { nodes { id title } } }';
    expect(cost(Q, { n: 10 })).toBe(31);
    expect(cost(Q, { n: 50 })).toBe(151);
    // The default page size applies when first is not given.
    expect(cost('{ cases { nodes { id } } }')).toBe(1 + 20 * 2);
  });

  it('remembers the cost per document, operation and variables, and only that', () => {
    const schema = baseSchema();
    const doc = parse(
      'query A($n: Int!) { terminatedCases(first: $n) { nodes { id } } } query B { me { name } }',
    );
    for (let i = 0; i < 2; i++) {
      expect(cachedCost(schema, doc, { n: 10 }, 'A', 20_000)).toBe(1 + 10 * 2);
      expect(cachedCost(schema, doc, { n: 50 }, 'A', 20_000)).toBe(1 + 50 * 2);
      expect(cachedCost(schema, doc, { n: 10 }, 'B', 20_000)).toBe(2);
    }
    // Large variables are costed each time (not kept), with the same answer.
    const big = { n: 10, pad: 'x'.repeat(1000) };
    expect(cachedCost(schema, doc, big, 'A', 20_000)).toBe(queryCost(schema, doc, big, 'A'));
  });

  it('caps first where the service serves no more than its cap', () => {
    expect(cost('{ auditLog(first: 1000) { nodes { seq } } }')).toBe(
      cost('{ auditLog(first: 200) { nodes { seq } } }'),
    );
  });

  it('gives unpaged lists an assumed size', () => {
    expect(cost('{ units { code } }')).toBe(1 + 200 * 1);
    expect(cost('{ me { unit { descendants { code } } } }')).toBe(1 + 1 + 1 + 100 * 1);
    expect(cost(`{ case(id: "1") { steps { kind } } }`)).toBe(1 + (1 + 4 * 1));
    expect(DEFAULT_LIST_SIZE).toBeGreaterThan(1);
  });
});

describe('cost of real work', () => {
  it('charges the whole budget for verifyAuditChain, which walks the whole log', () => {
    expect(cost('{ verifyAuditChain { ok checked } }')).toBe(20000);
    expect(queryCost(baseSchema(), parse('{ verifyAuditChain { ok } }'), {}, undefined, 500)).toBe(500);
    expect(cost('{ a: verifyAuditChain { ok } b: verifyAuditChain { ok } }')).toBe(40000);
  });

  it('charges aggregating root fields more than a look-up', () => {
    for (const [field, own] of Object.entries(FIELD_COST))
      expect({ field, own: own > 1 }).toEqual({ field, own: true });
    expect(cost('{ followUpStatistics { terminatedCases } }')).toBe(
      FIELD_COST['Query.followUpStatistics'] + 1,
    );
    // Declared on the field itself (`@Cost`, read from the field's extensions).
    const checkDuplicate = baseSchema().getQueryType()!.getFields().checkDuplicate;
    expect(costOf(checkDuplicate)).toEqual({ own: 100 });
    expect(cost('{ checkDuplicate(input: { content: "事实和理由" }) { verdict } }')).toBe(100 + 1);
  });

  it("bounds a case's follow-up lists by their `last` (default 20), which is what they return", () => {
    const q = (args: string) => `{ followUp(caseId: "1") { trackingRecords${args} { id situation } } }`;
    expect(cost(q(''))).toBe(1 + 1 + 20 * 2);
    expect(cost(q('(last: 10)'))).toBe(1 + 1 + 10 * 2);
    expect(cost(q('(last: 500)'))).toBe(1 + 1 + 500 * 2);
    const aliases = Array.from(
      { length: 100 },
      (_, i) => `f${i}: followUp(caseId: "1") { trackingRecords(last: 500) { id situation } }`,
    );
    expect(cost(`{ ${aliases.join(' ')} }`)).toBeGreaterThan(20000);
  });
});

describe('limits over HTTP', () => {
  let t: TestHub;
  let tight: TestHub;
  let staff: string;
  beforeAll(async () => {
    [t, tight] = await Promise.all([
      startTestHub(),
      startTestHub({ GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_COST: '100' }),
    ]);
    await Promise.all([loadDemoUnits(t), loadDemoUnits(tight)]);
    staff = await t.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS');
  });
  afterAll(async () => {
    await t?.close();
    await tight?.close();
  });

  it('refuses a query deeper than the limit before it runs, saying the limit', async () => {
    t.queries.length = 0;
    const r = await t.gql(deepMe(11), {}, staff);
    expect(r.status).toBe(400);
    expect(r.data).toBeUndefined();
    const e = errorOf(r);
    expect(e.code).toBe('QUERY_TOO_COMPLEX');
    expect(e.message).toBe('查询嵌套深度为 11 层，超过上限 10 层（GRAPHQL_MAX_DEPTH）：请减少嵌套层级后重试');
    expect(e.extensions).toMatchObject({ limit: 'depth', max: 10, actual: 11 });
    // ZJ-HZ-RS → ZJ-HZ → ZJ → (none)
    expect(ok(await t.gql(deepMe(10), {}, staff)).me.unit).toEqual({ parent: { parent: { parent: null } } });
  });

  it('refuses a query that would fetch too much before it runs, saying the limit and the cost', async () => {
    const Q = `query($n: Int!) { terminatedCases(first: $n) { nodes { id handlingUnit { descendants { code name } } } } }`;
    // 1 + 100 × (nodes 1 + id 1 + handlingUnit (1 + descendants (1 + 100 × 2))) = 20401
    t.queries.length = 0;
    const r = await t.gql(Q, { n: 100 }, staff);
    expect(r.status).toBe(400);
    expect(t.queries.filter((q) => q.includes('petition_case'))).toEqual([]);
    const e = errorOf(r);
    expect(e.code).toBe('QUERY_TOO_COMPLEX');
    expect(e.message).toContain('查询代价估算为 20401，超过上限 20000（GRAPHQL_MAX_COST）');
    expect(e.extensions).toMatchObject({ limit: 'cost', max: 20000, actual: 20401 });
    // The same document with a smaller page is within the limit (the cost is cached per document
    // and variables, never per document alone).
    expect(ok(await t.gql(Q, { n: 10 }, staff)).terminatedCases.nodes).toEqual([]);
    expect(errorOf(await t.gql(Q, { n: 100 }, staff)).code).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses a shallow document whose fragments expand to too many selections', async () => {
    // Each fragment spreads the next twice at the same level: 2^15 expansions, depth 3.
    const frags = Array.from(
      { length: 16 },
      (_, i) =>
        `fragment F${i} on Unit { code ${i < 15 ? `...F${i + 1} ... on Unit { ...F${i + 1} }` : ''} }`,
    ).join('\n');
    const e = errorOf(await t.gql(`{ me { unit { ...F0 } } }\n${frags}`, {}, staff));
    expect(e).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      extensions: { limit: 'nodes', max: MAX_QUERY_NODES },
    });
    expect(e.message).toContain(`超过 ${MAX_QUERY_NODES} 个节点`);
  });

  it('leaves other validation errors as they were', async () => {
    const e = errorOf(await t.gql('{ me { noSuchField } }', {}, staff));
    expect(e.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // Introspection nested to blow up is refused by GraphQL's own rule, though it costs nothing here.
    const explosion = `{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`;
    expect(errorOf(await t.gql(explosion, {}, staff))).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      message: 'Maximum introspection depth exceeded',
    });
  });

  it('answers verifyAuditChain alone, and refuses it twice or 1,000 times in one request before it runs', async () => {
    const supervisor = await t.token('SUPERVISOR', 'ZJ');
    expect(ok(await t.gql('{ verifyAuditChain { ok } }', {}, supervisor)).verifyAuditChain.ok).toBe(true);
    for (const n of [2, 1000]) {
      t.queries.length = 0;
      const aliases = Array.from({ length: n }, (_, i) => `v${i}: verifyAuditChain { ok }`).join(' ');
      const e = errorOf(await t.gql(`{ ${aliases} }`, {}, supervisor));
      expect(e.code).toBe('QUERY_TOO_COMPLEX');
      expect(e.message).toContain('每个请求只能单独调用一次');
      expect(t.queries.filter((q) => q.includes('audit_log'))).toEqual([]);
    }
  });

  it("refuses 100 aliases of a case's tracking records at their largest page", async () => {
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
    const aliases = Array.from(
      { length: 100 },
      (_, i) => `f${i}: followUp(caseId: "1") { trackingRecords(last: 500) { id observedOn situation } }`,
    );
    expect(errorOf(await t.gql(`{ ${aliases.join(' ')} }`, {}, officer)).code).toBe('QUERY_TOO_COMPLEX');
  });

  it('takes both limits from the configuration', async () => {
    const token = await tight.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS');
    expect(ok(await tight.gql('{ me { unit { name } } }', {}, token)).me.unit.name).toBeTruthy();
    const deep = errorOf(await tight.gql('{ me { unit { parent { name } } } }', {}, token));
    expect(deep.message).toContain('超过上限 3 层');
    expect(
      ok(await tight.gql('{ terminatedCases(first: 20) { nodes { id title } } }', {}, token)),
    ).toBeTruthy();
    const costly = errorOf(
      await tight.gql('{ terminatedCases(first: 50) { nodes { id title } } }', {}, token),
    );
    expect(costly).toMatchObject({ code: 'QUERY_TOO_COMPLEX', extensions: { max: 100, actual: 151 } });
  });

  it('never refuses introspection or the liveness probe, even at tight limits', async () => {
    const token = await tight.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS');
    const schema = ok(await tight.gql(getIntrospectionQuery({ descriptions: true }), {}, token));
    expect(schema.__schema.types.length).toBeGreaterThan(20);
    expect(await tight.gql('{ __typename }')).toEqual({ status: 200, data: { __typename: 'Query' } });
  });
});

describe('introspection setting', () => {
  it('parses GRAPHQL_INTROSPECTION and the limits strictly', () => {
    expect(loadConfig({}).introspection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false' }).introspection).toBe(false);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'FALSE' }).introspection).toBe(false);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: '0' }).introspection).toBe(false);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({}).limits).toEqual({ maxDepth: 10, maxCost: 20000 });
    let problems: string[] = [];
    try {
      loadConfig({ GRAPHQL_INTROSPECTION: 'nein', GRAPHQL_MAX_DEPTH: 'deep', GRAPHQL_MAX_COST: '-1' });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'GRAPHQL_INTROSPECTION',
      'GRAPHQL_MAX_COST',
      'GRAPHQL_MAX_DEPTH',
    ]);
  });

  it('turns introspection off when configured, and nothing else', async () => {
    const off = await startTestHub({ GRAPHQL_INTROSPECTION: 'false' });
    try {
      await loadDemoUnits(off);
      const token = await off.token('SUPERVISOR', 'ZJ');
      const r = await off.gql('{ __schema { types { name } } }', {}, token);
      expect(errorOf(r).code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(errorOf(r).message).toMatch(/introspection/i);
      expect(errorOf(await off.gql('{ __type(name: "Case") { name } }', {}, token)).code).toBe(
        'GRAPHQL_VALIDATION_FAILED',
      );
      expect(ok(await off.gql('{ me { role } }', {}, token)).me.role).toBe('SUPERVISOR');
      expect(await off.gql('{ __typename }')).toEqual({ status: 200, data: { __typename: 'Query' } });
    } finally {
      await off.close();
    }
  });

  it('answers introspection only to an authenticated user when on', async () => {
    const on = await startTestHub();
    try {
      await loadDemoUnits(on);
      expect((await on.gql('{ __schema { queryType { name } } }')).status).toBe(401);
      const token = await on.token('DEPARTMENT_STAFF', 'ZJ-HZ-RS');
      expect(ok(await on.gql('{ __schema { queryType { name } } }', {}, token)).__schema.queryType.name).toBe(
        'Query',
      );
    } finally {
      await on.close();
    }
  });
});
