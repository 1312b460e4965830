import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { ADMIN, OPERATOR, adminPages, hydrated, signIn } from './helpers';

// The pages follow the system's colour scheme; both must pass axe (contrast included).
const SECRET = 'scheme_check_key';

async function violations(page: Page, paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    await page.goto(path);
    await hydrated(page);
    const results = await new AxeBuilder({ page }).analyze();
    for (const v of results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
      found.push(`${path}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
    }
  }
  return found;
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every page passes axe in the ${colorScheme} colour scheme`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    const found = await violations(page, ['/login']);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe(colorScheme === 'dark' ? 'rgb(15, 19, 24)' : 'rgb(245, 246, 248)');

    await signIn(page, ADMIN);
    const created = await page.request.post('/api/secrets/create', {
      form: { ws: 'acme', name: SECRET, kind: 'single', value: 'v', 'agents[0]': '1' },
    });
    expect(created.ok()).toBeTruthy();
    found.push(...(await violations(page, adminPages(SECRET))));
    for (const step of ['delete', 'purge']) {
      const res = await page.request.post(`/api/secrets/${step}`, { form: { ws: 'acme', name: SECRET } });
      expect(res.ok()).toBeTruthy();
    }
    await context.close();

    const operator = await browser.newContext({ colorScheme });
    const op = await operator.newPage();
    await signIn(op, OPERATOR, /\/operator$/);
    found.push(...(await violations(op, ['/operator'])));
    await operator.close();
    expect(found).toEqual([]);
  });
}
