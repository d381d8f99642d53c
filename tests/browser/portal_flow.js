// Playwright flow: the customer portal on a phone (375 x 740, touch) — open /portal, enter the
// mobile, read the one-time code from the portal outbox, enter it, see the notice and the own
// masked data, object, and see the objection confirmed. Run by
// tests/integration/test_browser_portal.py. Besides lib.js's JV_URL / JV_SHOTS / JV_CHROMIUM:
//   JV_PORTAL_MOBILE   the customer's mobile as typed (any spelling the importer accepts)
//   JV_PORTAL_NUMBER   the same number in canonical form (11 digits), as in the outbox
//   JV_PORTAL_OUTBOX   the directory of `serve --portal-out` (one CSV file per code)
// Prints {"ok": true, "masked_mobile", "notice_kind", "objected", "state", "shots"}.
'use strict';
const fs = require('fs');
const path = require('path');
const { env, launch, runSteps } = require('./lib');

// The code in the newest outbox file addressed to `number` that was not there `before`.
async function readCode(dir, number, before, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !before.has(n)) : [];
    for (const n of names.sort().reverse()) {
      const line = fs.readFileSync(path.join(dir, n), 'utf8');
      if (line.startsWith(number + ',')) {
        const m = /验证码为 (\d{6})/.exec(line);
        if (m) return m[1];
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no code arrived in the outbox');
}

(async () => {
  const url = env('JV_URL');
  const mobile = env('JV_PORTAL_MOBILE');
  const number = env('JV_PORTAL_NUMBER');
  const outbox = env('JV_PORTAL_OUTBOX');
  const { browser, page, problems } = await launch({ width: 375, height: 740, isMobile: true });
  const facts = { ok: true };
  let before = new Set();
  try {
    await runSteps('portal', page, [
      ['open', async () => {
        await page.goto(`${url}/portal`);
        await page.waitForSelector('#form-mobile');
        const title = await page.textContent('h1');
        if (title.trim() !== '客户门户') throw new Error('the page is not in Chinese');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > 375) throw new Error(`the page is ${width}px wide at 375px`);
      }],
      ['mobile', async () => {
        before = new Set(fs.existsSync(outbox) ? fs.readdirSync(outbox) : []);
        await page.fill('#mobile', mobile);
        await page.click('#form-mobile button[type=submit]');
        await page.waitForSelector('#step-code:not([hidden])');
      }],
      ['code', async () => {
        const code = await readCode(outbox, number, before);
        await page.fill('#code', code);
        await page.click('#form-code button[type=submit]');
        await page.waitForSelector('#step-me:not([hidden])');
      }],
      ['my-data', async () => {
        await page.waitForSelector('#my-data dd[data-field=mobile]');
        facts.masked_mobile = (await page.textContent('#my-data dd[data-field=mobile]')).trim();
        if (!facts.masked_mobile.includes('****')) throw new Error('the mobile is not masked');
        const body = await page.textContent('body');
        if (body.includes(number)) throw new Error('the clear mobile is on the page');
        if (await page.isHidden('#notice-box')) throw new Error('no notice shown');
        facts.notice_kind = (await page.textContent('#notice-title')).trim();
        await page.locator('#notice-box').scrollIntoViewIfNeeded();
      }],
      ['english', async () => {
        await page.click('#lang');
        await page.waitForFunction(() => document.documentElement.lang === 'en');
        const title = (await page.textContent('h1')).trim();
        if (title !== 'Customer portal') throw new Error('the English switch did not translate');
      }],
      ['object', async () => {
        await page.click('#lang');  // back to Chinese
        await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
        await page.click('#object');
        await page.waitForSelector('#objection-status.objected');
        facts.objected = true;
        facts.state = (await page.textContent('#state')).trim();
        facts.message = (await page.textContent('#message')).trim();
        if (!facts.message.includes('异议')) throw new Error('no confirmation message');
        await page.locator('#objection-status').scrollIntoViewIfNeeded();
      }],
    ]);
    if (problems.length) throw new Error(problems.join('; '));
    facts.shots = fs.readdirSync(process.env.JV_SHOTS || 'screenshots').filter((n) => n.startsWith('portal-'));
    process.stdout.write(JSON.stringify(facts) + '\n');
  } catch (e) {
    process.stderr.write(`portal flow failed: ${e.message}\n`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
