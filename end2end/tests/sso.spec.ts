import { test, expect } from '@playwright/test';
import { hydrated } from './helpers';

// The server runs with a real OpenID Provider ("Test IdP", start-server.sh), authoritative
// for acme.test: its verified admin@acme.test signs in to the demo admin's account.

test('an admin signs in through the provider’s own login page and lands in the workspace', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await expect(page.getByRole('heading', { name: 'Test Provider – Sign in' })).toBeVisible();
  await page.getByLabel('Email').fill('admin@acme.test');
  await page.getByLabel('Password').fill('admin-at-the-provider');
  await page.getByRole('button', { name: 'Sign in at the provider' }).click();
  await expect(page).toHaveURL(/\/w\/acme$/);
  await hydrated(page);
  await page.goto('/account');
  await expect(page.locator('#sign-in-methods')).toContainText('Test IdP');
  await expect(page.locator('#sign-in-methods')).toContainText('admin@acme.test');
});

test('a sign-in no workspace accepts says why and signs nobody in', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await page.getByLabel('Email').fill('eve@elsewhere.test');
  await page.getByLabel('Password').fill('eve-pass');
  await page.getByRole('button', { name: 'Sign in at the provider' }).click();
  await expect(page).toHaveURL(/\/login\?sso=no_workspace$/);
  await expect(page.locator('#sso-error')).toContainText('No workspace accepts sign-ins');
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login$/);
});
