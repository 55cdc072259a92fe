import { test, expect, chromium, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAccessible, hydrated, member } from './helpers';

test.describe.configure({ timeout: 90_000 });

/** Waits until a service worker is active, then reloads: from then on it controls the
 * page (a page whose load began before the worker activated may stay uncontrolled). */
async function controlled(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 20_000 }).toBe(true);
}

test('Chromium finds Rounds installable, a service worker controls it, offline shows the offline page', async ({ baseURL }, testInfo) => {
  // Chromium never offers to install from an incognito profile, which every Playwright
  // context is: use a real (throwaway) profile with the project's browser settings.
  const profile = mkdtempSync(join(tmpdir(), 'rounds-pwa-'));
  const use = testInfo.project.use;
  const context = await chromium.launchPersistentContext(profile, {
    ...use.launchOptions,
    viewport: use.viewport,
    userAgent: use.userAgent,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
    deviceScaleFactor: use.deviceScaleFactor,
    baseURL,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const res = await page.goto('/');
  expect(res?.status()).toBe(200);
  const manifest = await page.request.get('/manifest.webmanifest');
  expect(manifest.headers()['content-type']).toContain('application/manifest+json');
  await controlled(page);

  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);

  await context.setOffline(true);
  await page.goto('/communities/new');
  await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Try again' })).toBeVisible();
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});

test('a member reads their feed and a post offline; sign-out forgets them', async ({ browser }) => {
  const a = await member(browser, 'ow');
  const page = a.page;
  await page.goto('/');
  await controlled(page);
  const text = `Offline reading ${Date.now()}`;
  await page.getByLabel('Share with your network').fill(text);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.locator('.post-list article').first()).toContainText(text);
  // Visit the pages once online, as a member would.
  await page.goto('/');
  await hydrated(page);
  await page.locator('.post-list article').first().getByRole('link', { name: /comments/ }).click();
  await expect(page).toHaveURL(/\/p\/[a-z0-9]+$/);
  const post = new URL(page.url()).pathname;
  // An in-app navigation is saved in the background: wait until the page is stored.
  await expect
    .poll(() => page.evaluate(async (p) => !!(await caches.match(p, { cacheName: 'rounds-pages' })), post), { timeout: 20_000 })
    .toBe(true);

  await page.context().setOffline(true);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Your feed' })).toBeVisible();
  await expect(page.locator('.post-list')).toContainText(text);
  await page.goto(post);
  await expect(page.locator('article.post')).toContainText(text);
  await page.context().setOffline(false);

  // After signing out, nothing of theirs is kept on the device.
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();
  await page.context().setOffline(true);
  await page.goto(post);
  await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
  await page.context().setOffline(false);
});

test('no page scrolls sideways at 360 px, and axe finds nothing on any of them', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  const wide = async (path: string) => {
    await page.goto(path);
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(scroll, `${path} is ${scroll}px wide`).toBeLessThanOrEqual(width);
    await expectAccessible(page);
  };
  for (const path of ['/', '/signin', '/signup', '/communities', '/@ada.okafor', '/offline']) await wide(path);
  await page.goto('/signin');
  await page.getByLabel('Email or handle').fill('ada.okafor');
  await page.getByLabel('Password').fill('rounds-demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your feed' })).toBeVisible();
  for (const path of ['/', '/network', '/notifications', '/settings/profile', '/settings/verification', '/mod/reports', '/mod/verifications', '/mod/log', '/@ada.okafor']) {
    await wide(path);
  }
  // One of her own posts: its edit, comment, report and label forms on one page.
  const own = await page.locator('.post-list a[href^="/p/"]').first().getAttribute('href');
  await wide(own ?? '/p/missing');
});
