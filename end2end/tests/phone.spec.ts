import { expect, test, type Page } from '@playwright/test';
import { ADMIN, OPERATOR, adminPages, hydrated, signIn } from './helpers';

// A phone: 390 x 844 CSS pixels. No page may be wider than the screen: wide tables scroll
// inside their own box (their first column kept in view), code wraps or scrolls in its box.
test.use({ viewport: { width: 390, height: 844 } });

/** How far the page reaches past the screen's right edge, and what reaches furthest. */
async function overflow(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const extra = doc.scrollWidth - doc.clientWidth;
    if (extra <= 0) return null;
    let widest = '';
    let right = 0;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect().right;
      if (r > right) {
        right = r;
        widest = `${el.tagName.toLowerCase()}.${el.className}`;
      }
    }
    return `${extra}px too wide (widest: ${widest}, right edge ${Math.round(right)})`;
  });
}

async function fits(page: Page, paths: string[]): Promise<string[]> {
  const wide: string[] = [];
  for (const path of paths) {
    await page.goto(path);
    await hydrated(page);
    const over = await overflow(page);
    if (over) wide.push(`${path}: ${over}`);
  }
  return wide;
}

test('every page fits a 390 px wide phone', async ({ page, browser }) => {
  const anonymous = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const visitor = await anonymous.newPage();
  const wide = await fits(visitor, ['/login', '/invite/not-a-real-invitation']);
  await anonymous.close();

  await signIn(page, ADMIN);
  // A secret with a long name and description, granted, read and changed: every column filled.
  const name = 'phone_width_check_with_a_rather_long_name';
  const created = await page.request.post('/api/secrets/create', {
    form: {
      ws: 'acme',
      name,
      description: 'A description long enough to need more than one line on a phone screen, as real ones do.',
      kind: 'single',
      value: 'v1',
    },
  });
  expect(created.ok()).toBeTruthy();
  wide.push(...(await fits(page, adminPages(name))));

  // Leave acme's Secrets tab as the other tests expect it: empty.
  for (const step of ['delete', 'purge']) {
    const res = await page.request.post(`/api/secrets/${step}`, { form: { ws: 'acme', name } });
    expect(res.ok()).toBeTruthy();
  }

  const operator = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const op = await operator.newPage();
  await signIn(op, OPERATOR, /\/operator$/);
  wide.push(...(await fits(op, ['/operator'])));
  await operator.close();

  expect(wide).toEqual([]);
});
