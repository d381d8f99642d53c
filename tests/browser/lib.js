// Shared helpers for the Playwright flows (issue 6 item 6). Each flow is a Node script run by
// a Python integration test (tests/integration/test_browser_*.py) that has already made the
// vault, the users and the server; it passes what the flow needs in environment variables:
//   JV_URL          https://127.0.0.1:PORT (the server, self-signed certificate)
//   JV_SHOTS        directory for the screenshots (made if missing)
//   JV_CHROMIUM     browser executable (default /usr/bin/chromium)
//   flow-specific variables, documented at the top of each flow.
// A flow prints one JSON line {"ok": true, ...facts} on success, and exits non-zero with the
// failing step's name on failure (after a screenshot named fail-<step>.png).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 secret (RFC 4648 alphabet).
function totp(secretBase32, nowSeconds = Math.floor(Date.now() / 1000)) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error('bad base32 secret');
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(nowSeconds / 30)));
  const mac = crypto.createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

function env(name) {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`missing environment variable ${name}`);
  return v;
}

// Launches Debian's Chromium headless; the server's certificate is self-signed.
async function launch({ width = 1280, height = 900, isMobile = false } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.JV_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width, height },
    isMobile,
    hasTouch: isMobile,
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return { browser, context, page, problems };
}

// Runs the named steps in order; screenshots after each into JV_SHOTS/<prefix>-NN-<name>.png.
async function runSteps(prefix, page, steps) {
  const dir = process.env.JV_SHOTS || path.join(process.cwd(), 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const [name, fn] of steps) {
    n += 1;
    try {
      await fn();
    } catch (e) {
      await page.screenshot({ path: path.join(dir, `${prefix}-fail-${name}.png`), fullPage: true })
        .catch(() => {});
      throw new Error(`step ${name}: ${e.message}`);
    }
    const file = `${prefix}-${String(n).padStart(2, '0')}-${name}.png`;
    await page.screenshot({ path: path.join(dir, file), fullPage: true });
  }
}

module.exports = { totp, env, launch, runSteps };
