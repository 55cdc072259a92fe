import { expect, Browser, Page, ConsoleMessage } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'correct horse battery staple';

/** A handle unique to this test run and worker. */
export function uniqueHandle(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 30);
}

/** Waits until the WASM bundle has hydrated the page. */
export async function hydrated(page: Page) {
  // The debug WASM bundle is large; two workers on two cores can take a while.
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
}

/** Collects console errors and uncaught exceptions for the page's lifetime. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Asserts axe-core finds no WCAG 2.x A/AA violations. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, summary.join('\n')).toEqual([]);
}

/** Fills and submits the sign-up form. */
export async function signUp(page: Page, handle: string, role = 'professional') {
  await page.goto('/signup');
  await page.getByLabel(role === 'professional' ? 'Professional' : role === 'patient' ? 'Patient' : 'Organization', { exact: true }).check();
  await page.getByLabel('Name to show').fill(`Test ${handle}`);
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Email').fill(`${handle}@example.org`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** A new member signed up in a browser context of their own, on their profile. */
export async function member(browser: Browser, prefix: string, role = 'professional'): Promise<{ page: Page; handle: string }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const handle = uniqueHandle(prefix);
  await signUp(page, handle, role);
  await expect(page).toHaveURL(new RegExp(`/@${handle}$`));
  return { page, handle };
}
