import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startTestHub, type TestHub } from './helpers/hub';
import { loadDemoUnits, terminatedCase } from './helpers/fixtures';

/**
 * The Playground in a real browser: `npm run test:browser` (jest.browser.config.js), not part of
 * `npm test`, because it needs Debian's Chromium, which `.ci/run` installs and then always runs
 * this file. The page and its files without a browser: test/playground.test.ts.
 */

/** Debian's Chromium; never a browser downloaded by a tool. `.ci/run` installs it. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** In the page: the text of every CodeMirror editor (query, variables, headers, result). */
const EDITOR_TEXTS = `[...document.querySelectorAll('.CodeMirror')].map((el) => el.CodeMirror.getValue())`;

let t: TestHub;
let origin: string;
beforeAll(async () => {
  t = await startTestHub();
  await loadDemoUnits(t);
  origin = new URL(t.url).origin;
});
afterAll(() => t?.close());

describe('in a browser (headless Chromium)', () => {
  it("opens the Playground with nothing from outside, runs the supervisor's overdue-visit inspection tab and shows the answer", async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(
        `找不到 Chromium（${CHROMIUM}）：请安装 Debian 的 chromium（apt-get install -y chromium）`,
      );
    // Known data: two cases terminated 40 days before "today" and never visited (first visit due
    // within 30 days), one terminated today (not yet due).
    t.clock.now = new Date(Date.now() - 40 * 86_400_000);
    const officer = await t.token('CASE_OFFICER', 'ZJ-HZ-ZJ');
    const reviewer = await t.token('AGENCY_REVIEWER', 'ZJ-HZ');
    const overdueIds = [
      await terminatedCase(t, officer, reviewer),
      await terminatedCase(t, officer, reviewer),
    ];
    t.clock.now = new Date();
    await terminatedCase(t, officer, reviewer);
    const expected = (
      await t.sql<{ n: number }>(
        `select count(*)::int as n from petition_case c
          where c.status = 'TERMINATED' and c.terminated_at + 30 < (now() at time zone 'Asia/Shanghai')::date
            and not exists (select 1 from return_visit v where v.case_id = c.id)`,
      )
    )[0].n;
    expect(expected).toBe(2);
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1440, height: 900 },
    });
    try {
      const requested: string[] = [];
      const blocked: string[] = [];
      const failed: string[] = [];
      const pageErrors: string[] = [];
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
        blocked.push(url.href);
        return route.abort('blockedbyclient');
      });
      context.on('request', (r) => requested.push(`${r.method()} ${r.url()}`));
      // A request the page itself cancels (Playground re-fetching the schema when a tab opens)
      // ends as net::ERR_ABORTED: not a failure of the hub. Everything else counts.
      context.on('requestfailed', (r) => {
        if (r.failure()?.errorText !== 'net::ERR_ABORTED')
          failed.push(`${r.url()}: ${r.failure()?.errorText}`);
      });
      context.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.url()}: HTTP ${r.status()}`);
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
      page.on('pageerror', (e) => pageErrors.push(e.message));

      page.setDefaultTimeout(60_000); // a loaded CI machine is slow to start a 2 MB page
      await page.goto(t.url, { waitUntil: 'load' });
      await page.getByText('监督 · 超期未回访', { exact: true }).click();
      await page.waitForFunction(`${EDITOR_TEXTS}.some((text) => text.includes('query OverdueVisits'))`);
      const answered = page.waitForResponse(
        (r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes('OverdueVisits'),
      );
      await page.locator('[title="Execute Query (Ctrl-Enter)"]').click();
      expect((await answered).status()).toBe(200);
      // The result pane is a read-only editor holding the response's JSON.
      const shown = await page.waitForFunction(
        `${EDITOR_TEXTS}.map((text) => { try { return JSON.parse(text); } catch { return null; } })
           .find((json) => json && json.data && json.data.inspectionOverdueVisits) || null`,
      );
      const result = (await shown.jsonValue()) as {
        data: {
          inspectionOverdueVisits: {
            totalCount: number;
            nodes: { case: { id: string; petitioner: { name: string } } }[];
          };
        };
      };
      expect(result.data.inspectionOverdueVisits.totalCount).toBe(expected);
      expect(result.data.inspectionOverdueVisits.nodes.map((n) => n.case.id).sort()).toEqual(
        [...overdueIds].sort(),
      );
      // The supervisor sees the petitioner masked.
      for (const n of result.data.inspectionOverdueVisits.nodes)
        expect(n.case.petitioner.name).toMatch(/^.\*+$/);
      // The light theme: the editor is light, not Playground's default dark.
      const background = await page.evaluate<string>(
        `getComputedStyle(document.querySelector('.CodeMirror')).backgroundColor`,
      );
      const [r, g, b] = background.match(/\d+/g)!.map(Number);
      expect(r + g + b).toBeGreaterThan(600);
      if (process.env.PLAYGROUND_SCREENSHOT)
        await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT });

      expect(blocked).toEqual([]);
      expect(failed).toEqual([]);
      expect(pageErrors).toEqual([]);
      expect(requested.length).toBeGreaterThan(8);
      for (const r of requested) expect(r).toMatch(new RegExp(`^(GET|POST) ${origin}/`));
    } finally {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
