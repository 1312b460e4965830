import { expect, test } from '@playwright/test';
import { ADMIN } from './helpers';

// Pages are rendered on the server and only their forms are islands. A form sent before its
// island has hydrated (a slow network) is a plain HTML form post; here WebAssembly never
// runs at all, and the forms still work.
test('with JavaScript off, an admin signs in, sees a field error and adds an agent', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();

  await page.goto('/login');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('incorrect');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/w\/acme$/);

  await page.goto('/w/acme/agents');
  await page.getByLabel('Name').fill('Not Valid!');
  await page.getByRole('button', { name: 'Add agent' }).click();
  await expect(page.locator('#agent-name-error')).toContainText('lowercase letters');
  await expect(page.getByRole('cell', { name: 'Not Valid!' })).toHaveCount(0);

  await page.getByLabel('Name').fill('no-js-runner');
  await page.getByRole('button', { name: 'Add agent' }).click();
  await expect(page.getByRole('cell', { name: 'no-js-runner' })).toBeVisible();
  // The error left the URL with the failed attempt.
  expect(page.url()).not.toContain('__err');
  await context.close();
});
