import { expect, Page, test } from '@playwright/test';
import { ADMIN, expectNoSeriousA11yViolations, hydrated, signIn } from './helpers';

async function openSecrets(page: Page) {
  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Workspace sections' }).getByRole('link', { name: 'Secrets' }).click();
  await expect(page).toHaveURL(/\/w\/acme\/secrets$/);
  await hydrated(page);
}

async function addSecret(page: Page) {
  await page.getByRole('link', { name: 'Add secret' }).first().click();
  await expect(page).toHaveURL(/\/secrets\/new$/);
  await expect(page.getByRole('heading', { name: 'Add secret' })).toBeVisible();
  await hydrated(page);
}

test('an admin creates, finds, edits, rotates, rolls back, deletes and restores secrets', async ({ page }) => {
  await openSecrets(page);
  await expect(page.getByRole('heading', { name: 'No secrets yet' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // A single value, readable by one agent.
  await addSecret(page);
  await expectNoSeriousA11yViolations(page);
  await page.getByLabel('Name').fill('stripe_api_key');
  await page.getByLabel('Description').fill('Stripe live key for billing');
  await page.getByLabel('Secret value').fill('sk_live_e2e_123');
  await page.getByLabel('billing-worker').check();
  await page.getByRole('button', { name: 'Create secret' }).click();
  await expect(page).toHaveURL(/\/w\/acme\/secret\/stripe_api_key$/);
  await expect(page.getByTestId('current-version')).toHaveText('1');
  await expect(page.locator('body')).not.toContainText('sk_live_e2e_123');
  await expectNoSeriousA11yViolations(page);

  // Key/value pairs.
  await page.getByRole('link', { name: 'Secrets', exact: true }).first().click();
  await addSecret(page);
  await page.getByLabel('Name').fill('oauth_client');
  await page.getByLabel('Key/value pairs').check();
  await page.getByLabel('Key of row 1').fill('client_id');
  await page.getByLabel('Value of row 1').fill('cid-e2e');
  await page.getByRole('button', { name: 'Add row' }).click();
  await page.getByLabel('Key of row 2').fill('client_secret');
  await page.getByLabel('Value of row 2').fill('cs-e2e');
  await page.getByRole('button', { name: 'Create secret' }).click();
  await expect(page).toHaveURL(/\/secret\/oauth_client$/);
  await expect(page.getByText('Key/value pairs — keys: client_id, client_secret')).toBeVisible();

  // Listed and found by search (on a key name).
  await page.goto('/w/acme/secrets');
  await hydrated(page);
  await expect(page.getByRole('link', { name: 'stripe_api_key' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'oauth_client' })).toBeVisible();
  await page.getByLabel('Search secrets').fill('client_secret');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('link', { name: 'oauth_client' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'stripe_api_key' })).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText('cs-e2e');

  // Edit the description, replace the value, roll back.
  await page.goto('/w/acme/secret/stripe_api_key');
  await hydrated(page);
  // Both ways to read it at runtime: plain HTTP, and any Vault client.
  await expect(page.locator('#snippet')).toContainText('/v1/secrets/{name}');
  await expect(page.locator('#vault-snippet')).toContainText('read_secret_version(');
  await expect(page.locator('#vault-snippet')).toContainText('path="stripe_api_key"');
  await expect(page.locator('#vault-snippet')).toContainText('vault kv get -field=value secret/stripe_api_key');
  await page.locator('#edit-description').fill('Rotated quarterly');
  await page.getByRole('button', { name: 'Save description' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.locator('#edit-description')).toHaveValue('Rotated quarterly');

  await page.locator('#replace-value').fill('sk_live_e2e_456');
  await page.getByRole('button', { name: 'Save new version' }).click();
  await expect(page.getByText('Saved as version 2.')).toBeVisible();
  await expect(page.getByTestId('current-version')).toHaveText('2');
  await page.getByRole('button', { name: 'Roll back to version 1' }).click();
  await expect(page.getByText('Rolled back: saved as version 3.')).toBeVisible();
  await expect(page.getByTestId('current-version')).toHaveText('3');
  await expect(page.getByRole('cell', { name: 'rolled back to version 1' })).toBeVisible();
  await expect(page.locator('body')).not.toContainText('sk_live_e2e');

  // A rotation policy: every 90 days; then an expiry date in the past makes it expired,
  // and the list's status filter finds it.
  await page.getByLabel('Rotate every').selectOption('90');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByText('Policy saved.')).toBeVisible();
  await expect(page.getByTestId('rotation-status')).toContainText('Next rotation');
  await page.getByLabel('Expires on (optional)').fill('2020-01-31');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByTestId('rotation-status')).toHaveText('Expired since 2020-01-31');
  await page.goto('/w/acme/secrets?status=expired');
  await expect(page.getByRole('link', { name: 'stripe_api_key' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'oauth_client' })).toHaveCount(0);
  await expect(page.getByLabel('Rotation status or use')).toHaveValue('expired');
  // The workspace's overview counts it and links to the same filtered list.
  await page.goto('/w/acme');
  await hydrated(page);
  const expired = page.getByTestId('Expired');
  await expect(expired).toContainText('1');
  await expectNoSeriousA11yViolations(page);
  await expired.click();
  await expect(page).toHaveURL(/\/w\/acme\/secrets\?status=expired$/);
  await expect(page.getByRole('link', { name: 'stripe_api_key' })).toBeVisible();
  await page.goto('/w/acme/secret/stripe_api_key');
  await hydrated(page);

  // Delete names the agents that lose access; restore from the trash.
  await page.getByText('Delete this secret…').click();
  await expect(page.getByTestId('delete-consequence')).toHaveText('These agents will lose access at once: billing-worker.');
  await page.getByRole('button', { name: 'Move to trash' }).click();
  await expect(page).toHaveURL(/\/secrets\/trash$/);
  const row = page.locator('tr[data-secret="stripe_api_key"]');
  await expect(row).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await hydrated(page);
  await row.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByText('The trash is empty.')).toBeVisible();
  await page.goto('/w/acme/secrets');
  await expect(page.getByRole('link', { name: 'stripe_api_key' })).toBeVisible();
});

test('bad input shows each error next to its field, keeps what was typed and saves nothing', async ({ page }) => {
  await openSecrets(page);
  await addSecret(page);
  await page.getByLabel('Name').fill('Bad Name');
  await page.getByLabel('Description').fill('kept description');
  await page.getByRole('button', { name: 'Create secret' }).click();
  await expect(page.locator('#name-error')).toContainText('lowercase letters');
  await expect(page.locator('#value-error')).toHaveText('Enter a value.');
  await expect(page.getByLabel('Name')).toHaveValue('Bad Name');
  await expect(page.getByLabel('Description')).toHaveValue('kept description');
  await expect(page).toHaveURL(/\/secrets\/new$/);

  await page.getByLabel('Key/value pairs').check();
  await page.getByLabel('Name').fill('dup_keys');
  await page.getByLabel('Key of row 1').fill('k');
  await page.getByLabel('Value of row 1').fill('1');
  await page.getByRole('button', { name: 'Add row' }).click();
  await page.getByLabel('Key of row 2').fill('k');
  await page.getByLabel('Value of row 2').fill('2');
  await page.getByRole('button', { name: 'Create secret' }).click();
  await expect(page.locator('#pairs-error')).toContainText('appears twice');

  await page.goto('/w/acme/secrets?q=dup_keys');
  await expect(page.getByText('No secrets match')).toBeVisible();
});

test('an admin imports a .env: an invalid line blocks the import until it is fixed', async ({ page }) => {
  await openSecrets(page);
  await page.getByRole('link', { name: 'Import', exact: true }).click();
  await expect(page).toHaveURL(/\/secrets\/import$/);
  await hydrated(page);
  await page.getByLabel('Upload a file').setInputFiles({
    name: 'prod.env',
    mimeType: 'text/plain',
    buffer: Buffer.from('IMPORT_ONE=a\nimport_two=b\nbroken line\n'),
  });
  await expect(page.getByLabel('Or paste it here')).toHaveValue(/import_two=b/);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('import-summary')).toHaveText('1 new, 0 replaced, 0 skipped, 2 invalid');
  // What will be stored is shown by its size, never the value.
  await expect(page.getByRole('cell', { name: '1 character', exact: true }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'not a valid name; suggested: import_one' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Import \d/ })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  // Fixed: the broken line removed and the suggested name accepted.
  await page.getByLabel('Or paste it here').fill('IMPORT_ONE=a\nimport_two=b\n');
  await page.getByLabel(/Use the suggested names/).check();
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('import-summary')).toHaveText('2 new, 0 replaced, 0 skipped, 0 invalid');
  await page.getByRole('button', { name: 'Import 2 secret(s)' }).click();
  await expect(page.getByText('Imported: 2 new, 0 replaced, 0 skipped.')).toBeVisible();
  await page.goto('/w/acme/secrets?q=import_');
  await expect(page.getByRole('link', { name: 'import_one' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'import_two' })).toBeVisible();
});

test('stored markup in a description stays text in its field', async ({ page }) => {
  const hostile = '</textarea><b>x</b><h1 id="x">..</h1><form action="/api/x-injected"><button>go</button></form>';
  await openSecrets(page);
  await addSecret(page);
  await page.getByLabel('Name').fill('markup_check');
  await page.getByLabel('Description').fill(hostile);
  await page.getByLabel('Secret value').fill('v-markup');
  await page.getByRole('button', { name: 'Create secret' }).click();
  await expect(page).toHaveURL(/\/secret\/markup_check$/);
  await hydrated(page);
  // The text is in the field as typed, and none of it became an element of the page.
  await expect(page.locator('#edit-description')).toHaveValue(hostile);
  await expect(page.locator('main b')).toHaveCount(0);
  await expect(page.locator('h1#x')).toHaveCount(0);
  await expect(page.locator('form[action="/api/x-injected"]')).toHaveCount(0);
});
