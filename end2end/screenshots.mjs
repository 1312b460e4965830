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
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(/\/w\/acme$/);
await page.goto(`${base}/w/acme/secrets`);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.screenshot({ path: '../docs/secrets-list.png', fullPage: true });
await page.goto(`${base}/w/acme/secret/stripe_api_key`);
await page.locator('body[data-hydrated="true"]').waitFor();
await page.screenshot({ path: '../docs/secret-detail.png', fullPage: true });
await browser.close();
