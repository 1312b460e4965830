import { expect, test } from '@playwright/test';
import { ADMIN, expectNoSeriousA11yViolations, hydrated, signIn } from './helpers';

test('an agent gets a token, is granted in the matrix, reads over HTTP, loses access, and it is all audited', async ({ page, request }) => {
  await signIn(page, ADMIN);

  // A secret to read.
  await page.goto('/w/acme/secrets/new');
  await hydrated(page);
  await page.getByLabel('Name').fill('payments_key');
  await page.getByLabel('Secret value').fill('pk_runtime_e2e');
  await page.getByRole('button', { name: 'Create secret' }).click();
  await expect(page).toHaveURL(/\/secret\/payments_key$/);

  // A new agent and its token, shown once.
  await page.goto('/w/acme/agents');
  await hydrated(page);
  await page.getByLabel('Name').fill('checkout-fn');
  await page.getByRole('button', { name: 'Add agent' }).click();
  await page.getByRole('link', { name: 'checkout-fn' }).click();
  await expect(page).toHaveURL(/\/agents\/checkout-fn$/);
  await hydrated(page);
  await page.getByRole('button', { name: 'Issue a new token' }).click();
  const token = await page.getByTestId('new-token').inputValue();
  expect(token).toMatch(/^svt_/);
  await expectNoSeriousA11yViolations(page);

  // A token for one day shows when it expires (newest first).
  await page.getByLabel('Lifetime', { exact: true }).selectOption('1');
  await page.getByRole('button', { name: 'Issue a new token' }).click();
  await expect(page.getByTestId('new-token')).not.toHaveValue(token);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await expect(page.getByTestId('token-expires').first()).toContainText(tomorrow);

  const read = () => request.get('/v1/secrets/payments_key', { headers: { Authorization: `Bearer ${token}` } });
  expect((await read()).status()).toBe(403);

  // Grant in the matrix: pending until saved.
  await page.goto('/w/acme/secrets/access');
  await hydrated(page);
  await page.getByLabel('payments_key → checkout-fn').check();
  await expect(page.getByTestId('pending-count')).toHaveText('1');
  await expect(page.getByText('Grant payments_key → checkout-fn')).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved: 1 granted, 0 revoked.')).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText('0');
  await expectNoSeriousA11yViolations(page);

  const ok = await read();
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toEqual({ name: 'payments_key', version: 1, value: 'pk_runtime_e2e' });

  // What the agent can read, on its page: the secret, this agent's last read (written by the
  // audit writer as it commits), its rotation, the line that reads it, where to change access.
  await page.goto('/w/acme/agents/checkout-fn');
  const granted = page.getByTestId('agent-reads').locator('tr[data-secret="payments_key"]');
  await expect(granted).toContainText('get_secret("payments_key")');
  await expect(granted).toContainText('OK');
  await expect
    .poll(async () => {
      await page.reload();
      return granted.textContent();
    })
    .not.toContain('never');
  // Its reads and denials per day, drawn on the server, with the numbers as a table.
  const chart = page.getByTestId('agent-activity');
  await expect(chart.getByRole('img')).toHaveAttribute('aria-label', /Runtime reads by checkout-fn: 1 read\(s\) and 1 denial\(s\)/);
  await chart.getByText('Show as a table').click();
  const today = new Date().toISOString().slice(0, 10);
  await expect(chart.getByRole('row', { name: new RegExp(`^${today} 1 1$`) })).toBeVisible();
  await expect(granted.getByRole('link', { name: 'Change access' })).toHaveAttribute(
    'href',
    '/w/acme/secret/payments_key#access-title',
  );
  await expectNoSeriousA11yViolations(page);
  // And at a glance in the Agents list.
  await page.goto('/w/acme/agents');
  const listed = page.locator('tr[data-agent="checkout-fn"]');
  await expect(listed.getByTestId('agent-secrets')).toHaveText('1');
  await expect(listed.getByTestId('agent-tokens')).toHaveText('2');
  await expect(listed).not.toContainText('never');

  // Revoke in the per-secret access list: the next read is denied.
  await page.goto('/w/acme/secret/payments_key');
  await hydrated(page);
  await page.getByLabel('checkout-fn').uncheck();
  await page.getByRole('button', { name: 'Save access' }).click();
  await expect(page.getByText('Access revoked from checkout-fn.')).toBeVisible();
  const denied = await read();
  expect(denied.status()).toBe(403);
  expect((await denied.json()).error).toBe('missing_access');

  // The audit page shows the reads, the denial and the grant changes.
  await page.goto('/w/acme/secrets/audit?agent=checkout-fn');
  await hydrated(page);
  await expect(page.locator('tr[data-action="secret.read"]')).toHaveCount(1);
  // Two refusals of one token for one reason within a minute share one row with a count.
  const denials = page.locator('tr[data-action="secret.read_denied"]');
  await expect(denials).toHaveCount(1);
  await expect(denials).toContainText('refused 2 times');
  // The whole log, newest first by time.
  await page.goto('/w/acme/secrets/audit');
  const times = await page.locator('table[aria-label="Audit events"] tbody tr td:first-child').allTextContents();
  expect(times.length).toBeGreaterThan(3);
  expect([...times].sort().reverse()).toEqual(times);
  await page.goto('/w/acme/secrets/audit?action=grant.remove');
  await expect(page.locator('tr[data-action="grant.remove"]').first()).toContainText('checkout-fn');
  await expectNoSeriousA11yViolations(page);
  await expect(page.locator('body')).not.toContainText('pk_runtime_e2e');
});
