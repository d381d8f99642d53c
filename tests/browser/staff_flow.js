// The staff flow in a real browser (issue 6 item 6): sign in with a TOTP code computed here
// -> dashboard -> import (upload, progress bar, report) -> search a mobile (masked) ->
// campaign (edit the template, live preview and element check, plan, send through the file
// channel) -> the dashboard at tablet width (768 px) -> the English switch.
// Run by tests/integration/test_browser_staff.py. Environment (besides lib.js's):
//   JV_USER, JV_PASSWORD, JV_TOTP_SECRET   a DPO with TOTP
//   JV_IMPORT_FILE                          a synthetic customer CSV
//   JV_SEARCH_MOBILE, JV_EXPECT_MASKED      a mobile in that file and its masked form
// Prints {"ok": true, "rows_read", "report_rejected", "masked", "planned", "sent",
//         "lang_en_nav", "shots"} on success.
'use strict';
const path = require('path');
const fs = require('fs');
const { totp, env, launch, runSteps } = require('./lib');

async function main() {
  const url = env('JV_URL');
  const { browser, page, problems } = await launch({ width: 1280, height: 900 });
  const facts = {};
  const T = 120000;
  try {
    await runSteps('staff', page, [
      ['login', async () => {
        await page.goto(url + '/', { waitUntil: 'domcontentloaded' });
        await page.waitForSelector('#login-user');
        await page.fill('#login-user', env('JV_USER'));
        await page.fill('#login-password', env('JV_PASSWORD'));
        await page.fill('#login-totp', totp(env('JV_TOTP_SECRET')));
        await page.click('#login-submit');
        await page.waitForSelector('section[data-page=dashboard] #dash-cards', { timeout: T });
        const nav = await page.locator('#nav a').allTextContents();
        if (!nav.includes('导入')) throw new Error('nav lacks the import page: ' + nav);
      }],
      ['import', async () => {
        await page.click('#nav a[data-page=import]');
        await page.waitForSelector('#import-file');
        await page.setInputFiles('#import-file', env('JV_IMPORT_FILE'));
        await page.click('#import-start');
        await page.waitForSelector('#import-progress .job progress', { timeout: T });
        await page.waitForSelector('#import-progress .job[data-state=done]', { timeout: T });
        await page.waitForSelector('#import-report');
        facts.rows_read = Number(await page.textContent('[data-count=rows_read] .num'));
        facts.report_rejected = await page.locator('#import-report td[data-key=row]').count();
      }],
      ['search', async () => {
        await page.click('#nav a[data-page=subjects]');
        await page.selectOption('#search-kind', 'mobile');
        await page.fill('#search-value', env('JV_SEARCH_MOBILE'));
        await page.click('#search-go');
        const cell = page.locator('#search-results td[data-key=mobile]').first();
        await cell.waitFor({ timeout: T });
        facts.masked = (await cell.textContent()).trim();
        if (facts.masked !== env('JV_EXPECT_MASKED')) {
          throw new Error('masked mobile is ' + facts.masked);
        }
        const body = await page.textContent('body');
        if (body.includes(env('JV_SEARCH_MOBILE'))) {
          // the search box holds it; nothing else may
          const shown = await page.locator('#search-results').textContent();
          if (shown.includes(env('JV_SEARCH_MOBILE'))) throw new Error('clear mobile shown');
        }
      }],
      ['template-check', async () => {
        await page.click('#nav a[data-page=campaign]');
        await page.waitForSelector('#template-checks li');
        const text = await page.inputValue('#template-text');
        await page.fill('#template-text', text.replace('{{deadline}}', ''));
        await page.waitForSelector('#template-checks li[data-element=deadline][data-present="0"]');
        await page.waitForSelector('#template-verdict.bad');
        facts.template_original = text;
      }],
      ['template-preview', async () => {
        const edited = facts.template_original + '\n（门店咨询电话见会员卡背面）';
        await page.fill('#template-text', edited);
        await page.waitForSelector('#template-verdict.ok');
        await page.waitForFunction(() => document.querySelector('#template-preview')
          .textContent.includes('门店咨询电话见会员卡背面'));
        const preview = await page.textContent('#template-preview');
        if (preview.includes('{{transferor}}')) throw new Error('preview left a placeholder');
      }],
      ['plan', async () => {
        await page.click('#plan-go');
        await page.waitForSelector('#plan-summary', { timeout: T });
        facts.planned = Number(await page.getAttribute('#plan-summary', 'data-planned'));
      }],
      ['send', async () => {
        await page.click('#send-go');
        await page.waitForSelector('#send-progress .job[data-state=done]', { timeout: T });
        await page.waitForSelector('#send-summary');
        facts.sent = Number(await page.getAttribute('#send-summary', 'data-sent'));
      }],
      ['tablet-768', async () => {
        await page.setViewportSize({ width: 768, height: 1024 });
        await page.click('#nav a[data-page=dashboard]');
        await page.waitForSelector('section[data-page=dashboard] #dash-timeline');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > 768) throw new Error('page is wider than the tablet: ' + width);
      }],
      ['english', async () => {
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.click('#lang-switch');
        await page.waitForFunction(() => document.documentElement.lang === 'en');
        await page.waitForSelector('section[data-page=dashboard] #dash-cards');
        facts.lang_en_nav = await page.locator('#nav a').allTextContents();
        if (!facts.lang_en_nav.includes('Overview')) throw new Error('nav not in English');
        // remembered across a reload
        await page.reload({ waitUntil: 'domcontentloaded' });
        await page.waitForSelector('section[data-page=dashboard] #dash-cards');
        if ((await page.evaluate(() => document.documentElement.lang)) !== 'en') {
          throw new Error('language not remembered');
        }
      }],
    ]);
    // Only the shell's first /api/v1/me before signing in may fail (401).
    const real = problems.filter((p) => !/status of 401/.test(p));
    if (real.length) throw new Error('browser problems: ' + real.join(' | '));
    const dir = process.env.JV_SHOTS || path.join(process.cwd(), 'screenshots');
    facts.shots = fs.readdirSync(dir).filter((f) => f.startsWith('staff-')).sort();
    delete facts.template_original;
    console.log(JSON.stringify(Object.assign({ ok: true }, facts)));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
