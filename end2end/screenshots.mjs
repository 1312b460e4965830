// Takes the README screenshots from a running server with demo data:
//   cd end2end && node screenshots.mjs http://127.0.0.1:3200
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(`${base}/login`);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.getByLabel('Email').fill('admin@acme.test');
await page.getByLabel('Password').fill('admin-demo-password');
await page.getByRole('button', { name: 'Sign in', exact: true }).click();
await page.waitForURL(/\/w\/acme$/);
await page.goto(`${base}/w/acme/secrets`);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.screenshot({ path: '../docs/secrets-list.png', fullPage: true });
await page.goto(`${base}/w/acme/secret/stripe_api_key`);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.screenshot({ path: '../docs/secret-detail.png', fullPage: true });
await page.goto(`${base}/w/acme`);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.getByText('Recent changes').waitFor();
await page.screenshot({ path: '../docs/overview.png', fullPage: true });
await page.goto(`${base}/w/acme/secrets/import`);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.getByLabel('Or paste it here').fill(
  '# billing service\nSTRIPE-WEBHOOK-SECRET=whsec_demo\nsentry_dsn=https://key@sentry.example/1\ndatabase_url=postgres://new\nnot a line\n',
);
await page.getByRole('button', { name: 'Preview' }).click();
await page.getByTestId('import-summary').waitFor();
await page.screenshot({ path: '../docs/import-preview.png', fullPage: true });
await page.goto(`${base}/w/acme/agents/billing-worker`);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.screenshot({ path: '../docs/agent.png', fullPage: true });
// The same session on a phone, and in dark mode.
const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
await phoneContext.addCookies(await page.context().cookies());
const phone = await phoneContext.newPage();
await phone.goto(`${base}/w/acme/secrets`);
await phone.locator('body[data-hydrated="true"]').waitFor();
await phone.screenshot({ path: '../docs/phone-secrets.png' });
await phone.emulateMedia({ colorScheme: 'dark' });
await phone.setViewportSize({ width: 1280, height: 800 });
await phone.goto(`${base}/w/acme`);
await phone.locator('body[data-hydrated="true"]').waitFor();
await phone.screenshot({ path: '../docs/overview-dark.png', fullPage: true });
await browser.close();
