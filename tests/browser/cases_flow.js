// The staff case pages in Chromium (issue 6 item 3): requests queue (overdue in red, refuse
// needs a reason, open with the holiday-aware due date), recipients and allocation,
// responses, liquidation (deadlines moved off holidays marked, creditors, claims, items),
// retention and holds, checklist, the English switch and the tablet width.
// Run by tests/integration/test_browser_cases.py, which made the vault and the server.
// Environment (besides lib.js's JV_URL, JV_SHOTS, JV_CHROMIUM):
//   JV_USER, JV_PASSWORD, JV_TOTP_SECRET   a dpo with TOTP
//   JV_OVERDUE_ID   an open request past its due date
//   JV_FRESH_ID     an open request received today
//   JV_SUBJECT      a subject id (for a new request, a response, a hold)
// Prints {"ok": true, ...facts}.
'use strict';
const { totp, env, launch, runSteps } = require('./lib');

async function main() {
  const url = env('JV_URL');
  const overdueId = env('JV_OVERDUE_ID');
  const freshId = env('JV_FRESH_ID');
  const subject = env('JV_SUBJECT');
  const { browser, page, problems } = await launch();
  const facts = { ok: true };
  // HTTP errors from the case pages' API calls (other pages' calls, the favicon and the
  // shell's /me probe before login are not this flow's business).
  const mine = /^\/api\/v1\/(transfer|recipients|allocate|responses|requests|liquidation|claims|items|retention|holds|checklist)/;
  const httpErrors = [];
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (r.status() >= 400 && mine.test(u.pathname)) httpErrors.push(`${r.status()} ${u.pathname}`);
  });
  const go = async (id, selector) => {
    await page.goto(`${url}/#/${id}`);
    await page.waitForSelector(`section.page[data-page="${id}"] ${selector}`, { timeout: 15000 });
  };
  // The text of the toast that `submit` makes. Toasts already on screen (an earlier step's,
  // still fading out) are marked first, so that their text is never taken for the new one.
  const toastAfter = async (submit) => {
    await page.evaluate(() => {
      document.querySelectorAll('#toasts .toast').forEach((e) => e.setAttribute('data-seen', '1'));
    });
    await submit();
    const t = page.locator('#toasts .toast:not([data-seen])').last();
    await t.waitFor({ timeout: 10000 });
    return t.textContent();
  };
  try {
    await runSteps('cases', page, [
      ['login', async () => {
        await page.goto(`${url}/#/login`);
        await page.fill('#login-user', env('JV_USER'));
        await page.fill('#login-password', env('JV_PASSWORD'));
        await page.fill('#login-totp', totp(env('JV_TOTP_SECRET')));
        await page.click('#login-submit');
        for (const id of ['recipients', 'responses', 'requests', 'liquidation', 'retention',
                          'checklist']) {
          await page.waitForSelector(`#nav a[data-page="${id}"]`, { timeout: 15000 });
        }
      }],
      ['requests-overdue-red', async () => {
        await go('requests', 'table.jv-table');
        const cell = page.locator(`[data-request="${overdueId}"]`);
        if (await cell.getAttribute('data-overdue') !== '1') throw new Error('not marked overdue');
        const color = await cell.evaluate((e) => getComputedStyle(e).color);
        const [r, g, b] = color.match(/\d+/g).map(Number);
        if (!(r > 120 && r > g * 1.5 && r > b * 1.5)) throw new Error(`overdue not red: ${color}`);
        const fresh = page.locator(`[data-request="${freshId}"]`);
        if (await fresh.getAttribute('data-overdue') !== '0') throw new Error('fresh marked overdue');
        facts.overdue_color = color;
        facts.overdue_card = (await page.locator('#req-counts .card.bad .num').textContent()).trim();
        if (await page.locator('#req-counts .card.bad .pill.bad').count() !== 1) {
          throw new Error('overdue card label not red');
        }
      }],
      ['requests-refuse-needs-reason', async () => {
        await page.click(`button[data-action="refuse"][data-id="${freshId}"]`);
        await page.click('#req-refuse-form button[type="submit"]');
        const msg = await page.locator('#req-refuse-form .error').textContent();
        if (!msg.includes('理由')) throw new Error('no reason message: ' + msg);
        await page.fill('#req-refuse-reason', '无法核实申请人身份（测试）');
        await page.click('#req-refuse-form button[type="submit"]');
        await page.waitForSelector(`[data-request-status="${freshId}"][data-status="refused"]`,
                                   { timeout: 10000 });
      }],
      ['requests-open', async () => {
        await page.fill('#req-subject', subject);
        await page.selectOption('#req-type', 'copy');
        await page.fill('#req-received', '2026-09-24');
        const t = await toastAfter(() => page.click('#req-open button[type="submit"]'));
        if (!t.includes('2026-10-22')) throw new Error('due date not 2026-10-22: ' + t);
        facts.opened_toast = t;
      }],
      ['recipients', async () => {
        await go('recipients', 'table.jv-table');
        await page.waitForSelector('#transfer-info');
        const n = await page.locator('table.jv-table tbody tr').count();
        if (n < 1) throw new Error('no recipient row');
        const allocated = await page.locator('td[data-key="allocated"]').first().textContent();
        facts.allocated = Number(allocated);
        if (!(facts.allocated > 0)) throw new Error('nothing allocated');
        if (await page.locator('svg.jv-chart').count() < 1) throw new Error('no chart');
      }],
      ['responses', async () => {
        await go('responses', '#resp-form');
        await page.fill('#resp-subject', subject);
        await page.selectOption('#resp-type', 'correct');
        await toastAfter(() => page.click('#resp-form button[type="submit"]'));
        await page.waitForSelector(`[data-response-type="correct"][data-subject="${subject}"]`,
                                   { timeout: 10000 });
      }],
      ['liquidation', async () => {
        await go('liquidation', '#liq-type');
        await page.waitForSelector('#liq-creditors');
        await page.waitForSelector('#items-counts');
        facts.moved_deadlines = await page.locator('[data-moved]').count();
        if (facts.moved_deadlines < 1) throw new Error('no deadline marked as moved');
        const title = await page.locator('[data-moved]').first().getAttribute('title');
        if (!title.includes('203')) throw new Error('moved reason missing: ' + title);
      }],
      ['retention-hold', async () => {
        await go('retention', '#ret-counts');
        await page.fill('#hold-subject', subject);
        await page.fill('#hold-reason', '(2026)京0105民初1号 测试');
        await toastAfter(() => page.click('#hold-form button[type="submit"]'));
        const btn = page.locator('button[data-id^="hold_"]').first();
        await btn.waitFor({ timeout: 10000 });
        await btn.click();
        await page.fill('#hold-release-reason', '案件已结 测试');
        await page.click('#hold-release-form button[type="submit"]');
        await page.waitForSelector('[data-hold-status="released"]', { timeout: 10000 });
      }],
      ['checklist', async () => {
        await go('checklist', '#check-verdict');
        facts.rules = await page.locator('[data-status]').count();
        if (facts.rules < 5) throw new Error('too few rules: ' + facts.rules);
        facts.blocked = await page.locator('#check-verdict').getAttribute('data-blocked');
      }],
      ['english', async () => {
        await page.click('#lang-switch');
        await page.waitForSelector('section.page[data-page="checklist"] h1:text-is("Compliance checklist")');
        await go('requests', 'h1:text-is("Customer-rights requests")');
        await page.click('#lang-switch');
      }],
      ['tablet', async () => {
        await page.setViewportSize({ width: 800, height: 1100 });
        await go('liquidation', '#liq-type');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        facts.tablet_overflow_px = overflow;
      }],
    ]);
    const pageErrors = problems.filter((p) => !p.startsWith('console: Failed to load resource'));
    if (pageErrors.length) throw new Error('page problems: ' + pageErrors.join(' | '));
    if (httpErrors.length) throw new Error('API errors: ' + httpErrors.join(' | '));
    console.log(JSON.stringify(facts));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
