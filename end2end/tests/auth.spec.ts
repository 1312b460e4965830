import { expect, test } from '@playwright/test';
import { ADMIN, expectNoSeriousA11yViolations, hydrated, signIn } from './helpers';

test('an admin signs in, sees the tabs, and signs out', async ({ page }) => {
  await signIn(page, ADMIN);
  const tabs = page.getByRole('navigation', { name: 'Workspace sections' });
  await expect(tabs.getByRole('link', { name: 'Agents' })).toBeVisible();
  await expect(tabs.getByRole('link', { name: 'Users' })).toBeVisible();
  await expect(tabs.getByRole('link', { name: 'Secrets' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Acme Inc' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/w/acme/agents');
  await expect(page).toHaveURL(/\/login$/);
});

test('a wrong password is rejected without saying which part was wrong', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
  await expect(page).toHaveURL(/\/login$/);
});

test('the sign-in page is accessible', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await expectNoSeriousA11yViolations(page);
});
