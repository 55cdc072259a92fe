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

/**
 * Asserts the page's ids are sound: no two elements share one (axe 4.7+ no longer checks),
 * every label's `for` names an element, and every element an `aria-describedby` names
 * sits in the same form as the field it describes (not another form's error message).
 */
export async function expectSoundIds(page: Page) {
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    const counts = new Map<string, number>();
    document.querySelectorAll('[id]').forEach((el) => counts.set(el.id, (counts.get(el.id) ?? 0) + 1));
    counts.forEach((n, id) => {
      if (n > 1) found.push(`id "${id}" is used ${n} times`);
    });
    document.querySelectorAll('label[for]').forEach((label) => {
      const target = label.getAttribute('for') ?? '';
      if (!document.getElementById(target)) found.push(`label for "${target}" names nothing`);
    });
    document.querySelectorAll('[aria-describedby]').forEach((field) => {
      for (const id of (field.getAttribute('aria-describedby') ?? '').split(/\s+/)) {
        const described = id ? document.getElementById(id) : null;
        if (described && described.closest('form') !== field.closest('form')) {
          found.push(`"${field.id || field.getAttribute('name')}" is described by "${id}" in another form`);
        }
      }
    });
    return found;
  });
  expect(problems, problems.join('\n')).toEqual([]);
}

/** Asserts axe-core finds no WCAG 2.x A/AA violations, and the ids are sound. */
export async function expectAccessible(page: Page) {
  await expectSoundIds(page);
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
