// Time to interactive in Chromium: how long a cold load (a new browser context, empty cache)
// of each page takes until the WebAssembly has hydrated it (`body[data-hydrated]`, set once
// every island of the page has hydrated), signed in as the demo admin. Also the bytes of
// script (JavaScript and WebAssembly) the page fetched, over the wire and decoded.
//
// Usage: bench/interactive.sh [runs]   (starts a release server with demo data; see there)
//        node bench/interactive.mjs http://127.0.0.1:3400 [runs]
import { createRequire } from 'node:module';
const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const base = process.argv[2];
const runs = Number(process.argv[3] ?? 10);
const pages = [
  '/w/acme', '/w/acme/secrets', '/w/acme/secrets/access', '/w/acme/secrets/audit', '/w/acme/agents',
  '/w/acme/secret/stripe_api_key', '/w/acme/secrets/new', '/w/acme/secrets/import', '/w/acme/webhooks',
  '/w/acme/agents/billing-worker', '/w/acme/users', '/w/acme/secrets/trash',
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
// Sign in once; each run gets a fresh context (empty HTTP cache) with that session cookie.
const login = await browser.newContext({ baseURL: base });
const res = await login.request.post('/api/auth/login', {
  form: { email: 'admin@acme.test', password: 'admin-demo-password' },
  headers: { origin: base },
});
if (res.status() >= 400) throw new Error(`sign-in failed: ${res.status()}`);
const cookies = await login.cookies();
await login.close();

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const path of pages) {
  const times = [];
  let scriptBytes = '0 bytes';
  let scriptRaw = 0;
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ baseURL: base });
    await ctx.addCookies(cookies);
    const page = await ctx.newPage();
    let bytes = 0;
    let raw = 0;
    let files = 0;
    const pending = [];
    page.on('response', (r) => {
      const url = r.url();
      if (url.endsWith('.wasm') || url.endsWith('.js')) {
        pending.push((async () => {
          // Await first, then add: `bytes += await x` reads `bytes` before awaiting, so two
          // responses finishing together would overwrite each other's count.
          const length = Number((await r.allHeaders())['content-length'] ?? 0);
          const body = (await r.body()).length;
          bytes += length;
          raw += body;
          files += 1;
        })());
      }
    });
    await page.goto(path, { waitUntil: 'commit' });
    await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 30000 });
    times.push(await page.evaluate(() => performance.now()));
    await Promise.all(pending);
    // The largest load seen (a response can land after the page counts as interactive).
    if (raw > scriptRaw) {
      scriptRaw = raw;
      scriptBytes = `${bytes} bytes (${raw} raw, ${files} files)`;
    }
    await ctx.close();
  }
  console.log(`${path.padEnd(26)} interactive p50 ${median(times).toFixed(0).padStart(5)} ms  max ${Math.max(...times).toFixed(0).padStart(5)} ms  scripts over the wire ${scriptBytes}`);
}
await browser.close();
