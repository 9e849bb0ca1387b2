/**
 * Benchmarks the free-text redaction (src/modules/petitioner/redaction.ts) on the development
 * duplicate set's texts (test/fixtures/dup-dev/import.jsonl: titles, facts, requests, opinions of
 * 45 cases, each with its own petitioner), in-process, no database:
 *
 *   node -r @swc-node/register scripts/bench-redaction.ts [ROUNDS=7]
 *
 * Per round: (a) preparing one redactor per case (what a request does once per case), (b) running
 * it over the case's texts, (c) the shapes-only redaction (text about no case), interleaved
 * a b c a b c …; prints per-text and per-case microseconds as median and min–max over the rounds,
 * and how many texts the redaction changed. A benchmark: it prints numbers and asserts nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { personalTextRedactor, type Redactor } from '../src/modules/petitioner/redaction';

const ROUNDS = Number(process.argv[2] ?? 7);
const FIELDS = [
  'title',
  'factsAndReasons',
  'requests',
  'handlingOpinion',
  'reviewOpinion',
  'reReviewOpinion',
];
const cases = fs
  .readFileSync(path.resolve(__dirname, '../test/fixtures/dup-dev/import.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.includes('"kind": "case"'))
  .map((l) => JSON.parse(l) as Record<string, any>);
const texts = cases.map((c) => FIELDS.map((f) => c[f] as string | undefined).filter((v): v is string => !!v));
const nTexts = texts.flat().length;
const chars = texts.flat().reduce((n, t) => n + t.length, 0);
const REPEAT = 20;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) =>
  `${median(xs).toFixed(1)} µs (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;

const prepare: number[] = [];
const run: number[] = [];
const shapes: number[] = [];
let changed = 0;
const shapesOnly = personalTextRedactor([]);
for (let round = 0; round <= ROUNDS; round++) {
  let t0 = performance.now();
  let redactors: Redactor[] = [];
  for (let i = 0; i < REPEAT; i++) redactors = cases.map((c) => personalTextRedactor([c.petitioner]));
  const a = ((performance.now() - t0) * 1000) / (REPEAT * cases.length);

  t0 = performance.now();
  let n = 0;
  for (let i = 0; i < REPEAT; i++)
    texts.forEach((ts, k) => ts.forEach((t) => (redactors[k](t) !== t && i === 0 ? n++ : 0)));
  const b = ((performance.now() - t0) * 1000) / (REPEAT * nTexts);

  t0 = performance.now();
  for (let i = 0; i < REPEAT; i++) texts.forEach((ts) => ts.forEach((t) => shapesOnly(t)));
  const c = ((performance.now() - t0) * 1000) / (REPEAT * nTexts);
  if (round === 0) continue; // warm-up
  prepare.push(a);
  run.push(b);
  shapes.push(c);
  changed = n;
}

console.log(
  `${cases.length} cases, ${nTexts} texts, ${(chars / nTexts).toFixed(0)} characters per text on average`,
);
console.log(`prepare a redactor (per case):     ${fmt(prepare)}`);
console.log(`redact one text (known + shapes):  ${fmt(run)}`);
console.log(`redact one text (shapes only):     ${fmt(shapes)}`);
console.log(`texts changed by the redaction:    ${changed} of ${nTexts}`);
