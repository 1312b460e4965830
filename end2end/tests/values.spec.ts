import { expect, test, type Locator, type Page } from '@playwright/test';
import { ADMIN, expectNoSeriousA11yViolations, hydrated, signIn } from './helpers';

/** How the field's characters are drawn: `disc` masked, `none` readable. */
const mask = (field: Locator) =>
  field.evaluate((el) => getComputedStyle(el).getPropertyValue('-webkit-text-security'));

async function newSecretForm(page: Page) {
  await page.goto('/w/acme/secrets/new');
  await hydrated(page);
}

test('a value is masked as it is typed elsewhere, readable while focused or shown, masked again when focus leaves', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  await newSecretForm(page);
  const value = page.getByLabel('Secret value');
  const name = page.getByLabel('Name');
  expect(await mask(value)).toBe('disc');
  // Not a password field, and marked for password managers to leave alone.
  expect(await value.evaluate((el) => el.tagName)).toBe('TEXTAREA');
  await expect(value).toHaveAttribute('autocomplete', 'off');
  await expect(value).toHaveAttribute('data-1p-ignore', '');
  await expect(value).toHaveAttribute('data-lpignore', 'true');

  await value.fill('sk_live_typed_value');
  await expect.poll(() => mask(value)).toBe('none');
  await name.focus();
  await expect.poll(() => mask(value)).toBe('disc');

  // The explicit toggle, with its pressed state for screen readers.
  const show = page.getByRole('button', { name: 'Show the value' }).first();
  await expect(show).toHaveAttribute('aria-pressed', 'false');
  await show.click();
  await expect(show).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => mask(value)).toBe('none');
  await value.focus();
  await name.focus();
  await expect(show).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => mask(value)).toBe('disc');
  await expectNoSeriousA11yViolations(page);

  // Key/value pairs: the same.
  await page.getByLabel('Key/value pairs').check();
  const pair = page.getByLabel('Value of row 1');
  expect(await mask(pair)).toBe('disc');
  await pair.fill('cs-typed');
  await expect.poll(() => mask(pair)).toBe('none');
  await page.getByLabel('Key of row 1').focus();
  await expect.poll(() => mask(pair)).toBe('disc');
  await expectNoSeriousA11yViolations(page);
});

test('with JavaScript off a value stays masked, also while focused, and no control that needs script shows', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toBeHidden();
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/w\/acme$/);
  await page.goto('/w/acme/secrets/new');
  const value = page.getByLabel('Secret value');
  await value.fill('typed-without-script');
  await value.focus();
  expect(await mask(value)).toBe('disc');
  await expect(page.getByRole('button', { name: 'Show the value' })).toBeHidden();
  await context.close();
});
