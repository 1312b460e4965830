import { expect, test } from '@playwright/test';
import { ADMIN, OPERATOR, expectNoSeriousA11yViolations, hydrated, signIn } from './helpers';

test('an operator switches a flag with a reason and the admin sees the Secrets tab appear', async ({ browser }) => {
  const opContext = await browser.newContext();
  const op = await opContext.newPage();
  await signIn(op, OPERATOR, /\/operator$/);
  await expect(op.getByRole('heading', { name: 'Workspaces' })).toBeVisible();
  const globex = op.getByRole('row', { name: /Globex Corp/ });
  await expect(globex.getByText('Off', { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(op);

  // Without a reason the browser refuses to submit; a blank reason is refused by the server.
  await globex.getByLabel('Reason to switch Globex Corp on').fill('   ');
  await globex.getByRole('button', { name: 'Switch on' }).click();
  await expect(globex.getByRole('alert')).toContainText('Say why');

  await globex.getByLabel('Reason to switch Globex Corp on').fill('Pilot approved (E2E-1)');
  await globex.getByRole('button', { name: 'Switch on' }).click();
  await expect(op.getByRole('status')).toContainText('Secrets vault is now on for Globex Corp');
  await expect(op.getByRole('row', { name: /Globex Corp/ }).getByText('On', { exact: true })).toBeVisible();
  const log = op.getByRole('table', { name: 'Platform audit log' });
  await expect(log.getByRole('row').nth(1)).toContainText('operator@vault.test');
  await expect(log.getByRole('row').nth(1)).toContainText('Pilot approved (E2E-1)');

  // The admin of Globex now has the Secrets tab, and the overview says when and why.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, ADMIN);
  await admin.goto('/w/globex');
  await hydrated(admin);
  const tabs = admin.getByRole('navigation', { name: 'Workspace sections' });
  await expect(tabs.getByRole('link', { name: 'Secrets' })).toBeVisible();
  await expect(admin.getByText('Pilot approved (E2E-1)')).toBeVisible();
  await tabs.getByRole('link', { name: 'Secrets' }).click();
  await expect(admin).toHaveURL(/\/w\/globex\/secrets$/);
  await expect(admin.getByRole('heading', { name: 'Secrets', exact: true })).toBeVisible();

  // The operator cannot open that workspace's secrets.
  const res = await op.goto('/w/globex/secrets');
  expect(res?.status()).toBe(404);
  await expect(op.getByRole('heading', { name: 'Secrets', exact: true })).toHaveCount(0);

  // Put it back so the other tests find Globex with the flag off.
  await op.goto('/operator');
  await hydrated(op);
  const row = op.getByRole('row', { name: /Globex Corp/ });
  await row.getByLabel('Reason to switch Globex Corp off').fill('Pilot over (E2E-1)');
  await row.getByRole('button', { name: 'Switch off' }).click();
  await expect(op.getByRole('status')).toContainText('Secrets vault is now off for Globex Corp');
  const reloaded = await admin.reload();
  expect(reloaded?.status()).toBe(403);
  await expect(admin.getByText('Secrets Vault is not enabled for this workspace; ask your operator.')).toBeVisible();
  await opContext.close();
  await adminContext.close();
});
