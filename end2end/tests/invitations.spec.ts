import { expect, test } from '@playwright/test';
import { ADMIN, expectNoSeriousA11yViolations, hydrated, signIn } from './helpers';

const NEWCOMER = 'newcomer@example.com';
const PASSWORD = 'a-strong-passphrase-1';

test('an admin invites a newcomer, who opens the link in a fresh browser and lands in the workspace', async ({
  page,
  context,
  browser,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, ADMIN);
  await page.goto('/w/acme/users');
  await hydrated(page);
  await page.getByLabel('Email').fill(NEWCOMER);
  await page.getByLabel('Role', { exact: true }).selectOption('member');
  await page.getByRole('button', { name: 'Invite', exact: true }).click();

  // The link is shown once, and the Copy button puts it on the clipboard.
  const field = page.getByTestId('invite-link');
  await expect(field).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/invite\/[A-Za-z0-9_-]{43}$/);
  await page.getByTestId('copy-invite-link').click();
  await expect(page.getByTestId('copy-invite-link')).toHaveText('Copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(await field.inputValue());
  await expect(page.getByRole('table', { name: 'Pending invitations' })).toContainText(NEWCOMER);
  await expectNoSeriousA11yViolations(page);

  // Someone else, in a browser of their own.
  const fresh = await browser.newContext();
  const newcomer = await fresh.newPage();
  await newcomer.goto(link);
  await hydrated(newcomer);
  await expect(newcomer.getByRole('heading', { name: 'Join Acme Inc' })).toBeVisible();
  await expect(newcomer.getByTestId('invited-email')).toHaveText(NEWCOMER);
  await expectNoSeriousA11yViolations(newcomer);
  await newcomer.getByLabel('Your name').fill('New Comer');
  await newcomer.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await newcomer.getByLabel('Repeat the password').fill(PASSWORD);
  await newcomer.getByRole('button', { name: 'Create account and join' }).click();
  await expect(newcomer).toHaveURL(/\/w\/acme$/);
  await expect(newcomer.getByRole('heading', { name: 'Acme Inc' })).toBeVisible();
  await expect(newcomer.getByText('You are a member of this workspace.')).toBeVisible();

  // The link is spent.
  await newcomer.goto(link);
  await expect(newcomer.getByRole('heading', { name: 'This invitation cannot be used' })).toBeVisible();

  // Invited to a second workspace, they follow the link from another site (as from a mail
  // client): the browser sends no session cookie with that navigation, yet they get Join.
  await page.goto('/w/globex/users');
  await hydrated(page);
  await page.getByLabel('Email').fill(NEWCOMER);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const second = await page.getByTestId('invite-link').inputValue();
  const elsewhere = new URL(second);
  elsewhere.hostname = 'localhost';
  await newcomer.goto(new URL('/healthz', elsewhere).toString());
  await newcomer.setContent(`<a href="${second}">Your invitation</a>`);
  const [crossSite] = await Promise.all([
    newcomer.waitForResponse((r) => r.url() === second),
    newcomer.getByRole('link', { name: 'Your invitation' }).click(),
  ]);
  expect(await crossSite.text()).toContain('Sign in to accept');
  await expect(newcomer.getByRole('button', { name: 'Join Globex Corp' })).toBeVisible();
  await hydrated(newcomer);
  await newcomer.getByRole('button', { name: 'Join Globex Corp' }).click();
  await expect(newcomer).toHaveURL(/\/w\/globex$/);
  await fresh.close();
});

test('an admin revokes a pending invitation from the Users page', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/w/acme/users');
  await hydrated(page);
  await page.getByLabel('Email').fill('changed-mind@example.com');
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  const link = await page.getByTestId('invite-link').inputValue();
  const table = page.getByRole('table', { name: 'Pending invitations' });
  await expect(table).toContainText('changed-mind@example.com');
  await page.getByRole('button', { name: 'Revoke the invitation of changed-mind@example.com' }).click();
  await expect(table.getByText('changed-mind@example.com')).toHaveCount(0);

  await page.goto(link);
  await expect(page.getByText('This invitation was withdrawn')).toBeVisible();
});
