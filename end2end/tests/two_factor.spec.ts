import { test, expect } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { OPERATOR, hydrated, signIn } from './helpers';

/** RFC 6238 (SHA-1, 6 digits, 30 s) from a base32 setup key, as an authenticator app does. */
function totp(setupKey: string, at: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of setupKey.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

const now = () => Math.floor(Date.now() / 1000);

test('an operator sets up an authenticator app, then signs in with the password and a code', async ({ page }) => {
  await signIn(page, OPERATOR, /\/operator$/);
  await page.goto('/account');
  await hydrated(page);
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const setupKey = (await page.locator('#setup-key').textContent())!.trim();
  await page.getByLabel('Code from the app').fill(totp(setupKey, now()));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.locator('#recovery-codes li')).toHaveCount(10);

  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await hydrated(page);
  await page.getByLabel('Email').fill(OPERATOR.email);
  await page.getByLabel('Password').fill(OPERATOR.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/login\/code/);
  await hydrated(page);
  // The app's next code: the one that confirmed the setup was used already.
  await page.getByLabel('Authentication code').fill(totp(setupKey, now() + 30));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/operator$/);
});
