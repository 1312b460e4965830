import { expect, test, type Page } from '@playwright/test';
import { ADMIN, hydrated, signIn } from './helpers';

// Passkeys need a domain name: an IP address is no WebAuthn relying party. These pages are
// opened at http://localhost (the server accepts it as one of its loopback names).
const PORT = Number(process.env.VAULT_E2E_PORT ?? 3111);
const LOCAL = `http://localhost:${PORT}`;
const PASSWORD = 'a-passkey-test-passphrase';

/** Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain): a platform
 * authenticator that keeps discoverable credentials and verifies its user. */
async function authenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials,
  };
}

/** The demo admin invites `email` as an admin of acme; the link, at localhost. */
async function invite(page: Page, email: string): Promise<string> {
  await signIn(page, ADMIN);
  await page.goto('/w/acme/users');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption('admin');
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const link = new URL(await page.getByTestId('invite-link').inputValue());
  link.hostname = 'localhost';
  return link.toString();
}

async function join(page: Page, link: string, name: string) {
  await page.goto(link);
  await hydrated(page);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await expect(page).toHaveURL(/\/w\/acme$/);
}

async function addPasskey(page: Page, name: string) {
  await page.goto(`${LOCAL}/account`);
  await hydrated(page);
  await page.getByLabel('Passkey name').fill(name);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page).toHaveURL(/\/account\?passkey=added/);
  await expect(page.getByRole('table', { name: 'Passkeys' })).toContainText(name);
}

test('someone adds a passkey, then signs in with the passkey alone and as the step after a password', async ({
  page,
  browser,
}) => {
  const email = 'keyholder@acme.test';
  const link = await invite(page, email);
  const context = await browser.newContext({ baseURL: LOCAL });
  const holder = await context.newPage();
  const device = await authenticator(holder);
  await join(holder, link, 'Key Holder');
  await addPasskey(holder, 'Test laptop');
  const made = await device.credentials();
  expect(made).toHaveLength(1);
  expect(made[0].isResidentCredential).toBe(true);
  expect(made[0].rpId).toBe('localhost');

  // Signed out, the passkey alone signs in: no email, no password.
  await holder.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(holder).toHaveURL(/\/login$/);
  await hydrated(holder);
  await holder.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(holder).toHaveURL(`${LOCAL}/w/acme`);
  await holder.goto(`${LOCAL}/account`);
  const row = holder.locator('tr[data-passkey-name="Test laptop"]');
  await expect(row).not.toContainText('Never');
  expect((await device.credentials())[0].signCount).toBeGreaterThan(0);

  // With a passkey, the password is no longer enough: the passkey is the second step.
  await holder.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(holder).toHaveURL(/\/login$/);
  await hydrated(holder);
  await holder.getByLabel('Email').fill(email);
  await holder.getByLabel('Password').fill(PASSWORD);
  await holder.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(holder).toHaveURL(/\/login\/code/);
  await holder.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(holder).toHaveURL(/\/w\/acme$/);

  // Confirming it is you before a dangerous action, with the passkey; then removing it.
  await holder.goto(`${LOCAL}/reauth?next=%2Faccount`);
  await holder.getByRole('button', { name: 'Confirm with a passkey' }).click();
  await expect(holder).toHaveURL(`${LOCAL}/account`);
  await hydrated(holder);
  await holder.getByRole('button', { name: 'Remove the passkey Test laptop' }).click();
  await expect(holder.locator('#no-passkeys')).toBeVisible();
  await context.close();
});

test('with "Admins must use a second factor" on, an admin without one is sent to set one up', async ({
  page,
  browser,
}) => {
  const email = 'rulemaker@acme.test';
  const link = await invite(page, email);
  const context = await browser.newContext({ baseURL: LOCAL });
  const maker = await context.newPage();
  await authenticator(maker);
  await join(maker, link, 'Rule Maker');
  await addPasskey(maker, 'Security key');

  // The admin with a passkey turns the rule on.
  await maker.goto(`${LOCAL}/w/acme/users`);
  await hydrated(maker);
  const rule = maker.getByRole('region', { name: 'Admins must use a second factor' });
  await rule.getByRole('button', { name: 'Require a second factor' }).click();
  await expect(maker.locator('[data-rule="on"]')).toBeVisible();

  try {
    // The demo admin has none: every page of the workspace sends them to set one up.
    await page.goto('/w/acme/secrets');
    await expect(page).toHaveURL(/\/account#two-factor$/);
    await expect(page.locator('[data-second-factor-required]')).toContainText(
      'Acme Inc requires admins to use a second factor',
    );
    await page.goto('/w/acme/users');
    await expect(page).toHaveURL(/\/account#two-factor$/);
  } finally {
    // The rest of the suite signs in as the demo admin.
    await maker.goto(`${LOCAL}/w/acme/users`);
    await hydrated(maker);
    await rule.getByRole('button', { name: 'Turn off' }).click();
    await expect(maker.locator('[data-rule="off"]')).toBeVisible();
  }
  await page.goto('/w/acme/secrets');
  await expect(page).toHaveURL(/\/w\/acme\/secrets$/);
  await context.close();
});
