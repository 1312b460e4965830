import { expect, test } from '@playwright/test';
import { ADMIN, expectNoSeriousA11yViolations, hydrated, signIn } from './helpers';

test('an admin adds a webhook, sees its secret once and its deliveries, and deletes it', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page).toHaveURL(/\/w\/acme\/webhooks$/);
  await hydrated(page);
  await expect(page.getByText('No webhooks yet.')).toBeVisible();

  // An address inside the network is refused next to the field, and nothing is added.
  await page.getByLabel('URL').fill('http://localhost:8080/hook');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.locator('#webhook-url-error')).toContainText('loopback');
  await expect(page.getByLabel('URL')).toHaveValue('http://localhost:8080/hook');
  await expect(page.getByText('No webhooks yet.')).toBeVisible();

  // Every event is chosen by default; the signing secret is shown once.
  await page.getByLabel('URL').fill('https://hooks.example.com/vault');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  await expect(page.getByRole('status')).toContainText('Copy its signing secret now');
  await expect(page.getByTestId('webhook-secret')).toHaveValue(/^whsec_/);
  const row = page.getByRole('table', { name: 'Webhooks' }).getByRole('row', { name: /hooks\.example\.com/ });
  await expect(row).toContainText('token.issue');
  await expect(row).toContainText('none yet');
  await expectNoSeriousA11yViolations(page);

  // A change the webhook subscribes to is queued for it at once.
  await page.goto('/w/acme/agents/support-bot');
  await hydrated(page);
  await page.getByRole('button', { name: 'Issue a new token' }).click();
  await expect(page.getByTestId('new-token')).toHaveValue(/^svt_/);
  await page.goto('/w/acme/webhooks');
  await hydrated(page);
  const deliveries = page.getByRole('table', { name: 'Recent deliveries' });
  await expect(deliveries.getByRole('row', { name: /token\.issue/ })).toBeVisible();
  // The secret is not shown again.
  await expect(page.getByTestId('webhook-secret')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText('whsec_');

  await page.getByRole('button', { name: 'Delete the webhook to https://hooks.example.com/vault' }).click();
  await expect(page.getByText('No webhooks yet.')).toBeVisible();
});
