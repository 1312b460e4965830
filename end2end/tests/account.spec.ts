import { expect, Page, test } from '@playwright/test';
import { ADMIN, MEMBER, expectNoSeriousA11yViolations, hydrated, signIn } from './helpers';

const NEW_PASSWORD = 'a-brand-new-passphrase';

async function changePassword(page: Page, current: string, next: string, confirm = next) {
  await page.goto('/account');
  await hydrated(page);
  await page.getByLabel('Current password', { exact: true }).fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('Repeat the new password', { exact: true }).fill(confirm);
  await page.getByRole('button', { name: 'Change password' }).click();
}

test('a member changes their password on the Account page and signs in with the new one', async ({ page }) => {
  await signIn(page, MEMBER);
  await page.getByRole('link', { name: 'Max Member' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Mistakes are named next to their field, and nothing changes.
  await changePassword(page, 'not-the-password', NEW_PASSWORD);
  await expect(page.locator('#current-error')).toHaveText('The current password is incorrect.');
  await changePassword(page, MEMBER.password, 'short');
  await expect(page.locator('#new-password-error')).toContainText('too weak');

  await changePassword(page, MEMBER.password, NEW_PASSWORD);
  await expect(page.getByRole('status')).toContainText('Your password has been changed');

  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/w/acme/users');
  await expect(page).toHaveURL(/\/login$/);

  // The old password no longer works; the new one does.
  await hydrated(page);
  await page.getByLabel('Email').fill(MEMBER.email);
  await page.getByLabel('Password').fill(MEMBER.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
  await signIn(page, { email: MEMBER.email, password: NEW_PASSWORD });

  // Put the demo password back for the other specs.
  await changePassword(page, NEW_PASSWORD, MEMBER.password);
  await expect(page.getByRole('status')).toContainText('Your password has been changed');
});

test('the password prompt of sensitive actions refuses a wrong password and then continues', async ({ page }) => {
  await signIn(page, MEMBER);
  await page.goto('/reauth?next=%2Fw%2Facme%2Fusers');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.locator('#reauth-password-error')).toHaveText('The password is incorrect.');
  await page.getByLabel('Password').fill(MEMBER.password);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('status')).toHaveText('Password confirmed.');
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/w\/acme\/users$/);
});

test("an admin ends a member's sessions from the Users page", async ({ browser, page }, testInfo) => {
  const memberContext = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const memberPage = await memberContext.newPage();
  await signIn(memberPage, MEMBER);

  await signIn(page, ADMIN);
  await page.goto('/w/acme/users');
  await hydrated(page);
  await page.getByRole('button', { name: 'End sessions of member@acme.test' }).click();
  await expect(page.getByRole('status')).toHaveText('Their sessions have ended: they must sign in again.');

  await memberPage.goto('/w/acme/users');
  await expect(memberPage).toHaveURL(/\/login$/);
  await memberContext.close();
});
