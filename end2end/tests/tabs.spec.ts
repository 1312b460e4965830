import { expect, test } from '@playwright/test';
import { ADMIN, MEMBER, expectNoSeriousA11yViolations, hydrated, reloadsAfter, signIn } from './helpers';

test('a member sees no Secrets tab and is denied at its URL', async ({ page }) => {
  await signIn(page, MEMBER);
  const tabs = page.getByRole('navigation', { name: 'Workspace sections' });
  await expect(tabs.getByRole('link', { name: 'Agents' })).toBeVisible();
  await expect(tabs.getByRole('link', { name: 'Secrets' })).toHaveCount(0);

  const res = await page.goto('/w/acme/secrets');
  expect(res?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
  await expect(page.getByText('No secrets yet')).toHaveCount(0);
});

test('an admin of a workspace with the flag off sees no tab and a clear page', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.locator('.switcher summary').click();
  await page.getByRole('link', { name: /Globex Corp/ }).click();
  await expect(page).toHaveURL(/\/w\/globex$/);
  await hydrated(page);
  const tabs = page.getByRole('navigation', { name: 'Workspace sections' });
  await expect(tabs.getByRole('link', { name: 'Agents' })).toBeVisible();
  await expect(tabs.getByRole('link', { name: 'Secrets' })).toHaveCount(0);

  const res = await page.goto('/w/globex/secrets');
  expect(res?.status()).toBe(403);
  await expect(page.getByText('Secrets Vault is not enabled for this workspace; ask your operator.')).toBeVisible();
  // Only the message: no actions, no search for a vault that is off.
  for (const name of ['Grant matrix', 'Audit log', 'Trash', 'Add secret']) {
    await expect(page.getByRole('link', { name })).toHaveCount(0);
  }
  await expect(page.getByRole('searchbox')).toHaveCount(0);
});

test('an admin opens the Secrets tab of a flagged workspace', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: 'Secrets' }).click();
  await expect(page).toHaveURL(/\/w\/acme\/secrets$/);
  await expect(page.getByRole('heading', { name: 'Secrets', exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test('an admin adds an agent and sees field errors for a bad name', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: 'Agents' }).click();
  await expect(page).toHaveURL(/\/w\/acme\/agents$/);
  await hydrated(page);
  await expect(page.getByRole('cell', { name: 'billing-worker' })).toBeVisible();

  await page.getByLabel('Name').fill('Not Valid!');
  await page.getByRole('button', { name: 'Add agent' }).click();
  await expect(page.locator('#agent-name-error')).toContainText('lowercase letters');
  await expect(page.getByLabel('Name')).toHaveValue('Not Valid!');

  await page.getByLabel('Name').fill('e2e-runner');
  await page.getByRole('button', { name: 'Add agent' }).click();
  await expect(page.getByRole('status')).toContainText('e2e-runner');
  await expect(page.getByRole('cell', { name: 'e2e-runner' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test('an admin changes a member role on the Users tab', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/w\/acme\/users$/);
  await hydrated(page);
  const row = page.locator('tr[data-email="member@acme.test"]');
  await row.getByLabel('Role of member@acme.test').selectOption('admin');
  await reloadsAfter(page, () => row.getByRole('button', { name: 'Save' }).click());
  await expect(page.getByRole('status')).toHaveText('Role of member@acme.test saved.');
  await expect(page.locator('tr[data-email="member@acme.test"]').getByLabel('Role of member@acme.test')).toHaveValue('admin');
  // Put it back so the other tests keep their member.
  await page.locator('tr[data-email="member@acme.test"]').getByLabel('Role of member@acme.test').selectOption('member');
  await reloadsAfter(page, () => page.locator('tr[data-email="member@acme.test"]').getByRole('button', { name: 'Save' }).click());
  await expect(page.locator('tr[data-email="member@acme.test"]').getByLabel('Role of member@acme.test')).toHaveValue('member');
  await expectNoSeriousA11yViolations(page);
});

test('the grant matrix fits a 390 px wide screen: the table scrolls inside its own box', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await signIn(page, ADMIN);
  const created = await page.request.post('/api/secrets/create', {
    form: { ws: 'acme', name: 'narrow_screen_key', kind: 'single', value: 'v' },
  });
  expect(created.ok()).toBeTruthy();
  await page.goto('/w/acme/secrets/access');
  await hydrated(page);
  await expect(page.getByRole('region', { name: 'Grant matrix' })).toBeVisible();
  const sideways = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(sideways).toBeLessThanOrEqual(0);
});
