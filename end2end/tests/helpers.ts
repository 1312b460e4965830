import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const ADMIN = { email: 'admin@acme.test', password: 'admin-demo-password' };
export const MEMBER = { email: 'member@acme.test', password: 'member-demo-password' };
export const OPERATOR = { email: 'operator@vault.test', password: 'operator-demo-password' };

/** Waits until the WebAssembly has hydrated the page (clicks before that are lost). */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated="true"]').waitFor();
}

export async function signIn(page: Page, who: { email: string; password: string }, landing = /\/w\/acme$/) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(landing);
  await hydrated(page);
}

export async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/** Runs `action`, which saves a change, and waits until the page has reloaded with the result. */
export async function reloadsAfter(page: Page, action: () => Promise<void>) {
  const loaded = page.waitForEvent('load');
  await action();
  await loaded;
  await hydrated(page);
}

/** Every page an admin of acme opens, with `secret` as the secret page shown. */
export function adminPages(secret: string): string[] {
  return [
    '/',
    '/account',
    '/reauth?next=%2F',
    '/w/acme',
    '/w/acme/agents',
    '/w/acme/agents/billing-worker',
    '/w/acme/users',
    '/w/acme/webhooks',
    '/w/acme/secrets',
    '/w/acme/secrets/new',
    '/w/acme/secrets/import',
    '/w/acme/secrets/trash',
    '/w/acme/secrets/access',
    '/w/acme/secrets/audit',
    `/w/acme/secret/${secret}`,
  ];
}
