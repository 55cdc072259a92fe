import { test, expect } from '@playwright/test';
import { expectAccessible, hydrated, member, signUp, uniqueHandle } from './helpers';

// Each test signs up two members (argon2 on a debug server) and waits for server
// confirmations: give slow CI machines room.
test.describe.configure({ timeout: 60_000 });

test('A follows B and B sees A among followers', async ({ browser }) => {
  const a = await member(browser, 'fa');
  const b = await member(browser, 'fb');
  await a.page.goto(`/@${b.handle}`);
  await hydrated(a.page);
  await a.page.getByRole('button', { name: 'Follow', exact: true }).click();
  await expect(a.page.getByRole('button', { name: 'Following' })).toBeVisible();
  await expect(a.page.getByRole('link', { name: /1 followers/ })).toBeVisible();

  await b.page.goto(`/@${b.handle}/followers`);
  await expect(b.page.getByRole('link', { name: `Test ${a.handle}` })).toBeVisible();
  await expectAccessible(b.page);

  // Member cards carry their own buttons: B follows A back from the list, no reload.
  await hydrated(b.page);
  await b.page.evaluate(() => ((window as any).__noReload = true));
  await b.page.getByRole('button', { name: `Follow @${a.handle}` }).click();
  await expect(b.page.getByRole('button', { name: `Following @${a.handle}` })).toBeEnabled({ timeout: 20_000 });
  expect(await b.page.evaluate(() => (window as any).__noReload)).toBe(true);
  await b.page.getByRole('button', { name: `Connect with @${a.handle}` }).click();
  await expect(b.page.getByText('Pending', { exact: true })).toBeVisible();
  // The card's buttons stay disabled until the server has answered.
  await expect(b.page.getByRole('button', { name: `Following @${a.handle}` })).toBeEnabled({ timeout: 20_000 });
  await a.page.goto(`/@${a.handle}/following`);
  await expect(a.page.getByRole('button', { name: `Accept @${b.handle}` })).toBeVisible();
});

test('follow and unfollow toggle without a reload after hydration', async ({ browser }) => {
  const a = await member(browser, 'ta');
  const b = await member(browser, 'tb');
  await a.page.goto(`/@${b.handle}`);
  await hydrated(a.page);
  await a.page.evaluate(() => ((window as any).__noReload = true));
  for (let i = 0; i < 2; i++) {
    await a.page.getByRole('button', { name: 'Follow', exact: true }).click();
    // Shown at once (optimistic), enabled again once the server has confirmed.
    await expect(a.page.getByRole('button', { name: 'Following' })).toBeVisible();
    await expect(a.page.getByRole('button', { name: 'Following' })).toBeEnabled({ timeout: 20_000 });
    await a.page.getByRole('button', { name: 'Following' }).click();
    await expect(a.page.getByRole('button', { name: 'Follow', exact: true })).toBeVisible();
    await expect(a.page.getByRole('button', { name: 'Follow', exact: true })).toBeEnabled({ timeout: 20_000 });
  }
  expect(await a.page.evaluate(() => (window as any).__noReload)).toBe(true);
});

test('A requests, B accepts, both see Connected and the 1st-degree badge', async ({ browser }) => {
  const a = await member(browser, 'ca');
  const b = await member(browser, 'cb');
  await a.page.goto(`/@${b.handle}`);
  await hydrated(a.page);
  await a.page.getByText('Add a note').click();
  await a.page.getByLabel('Note to send with your request').fill('We met on the ward round');
  await a.page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(a.page.getByText('Pending')).toBeVisible();
  // The optimistic "Pending" shows at once; wait for the server's answer before B looks.
  await expect(a.page.getByRole('button', { name: 'Withdraw request' })).toBeEnabled();
  await a.page.reload();
  await expect(a.page.getByText('Pending')).toBeVisible();

  await b.page.goto('/network');
  await hydrated(b.page);
  await expect(b.page.getByText('We met on the ward round')).toBeVisible();
  await b.page.getByRole('button', { name: `Accept @${a.handle}` }).click();
  await expect(b.page.getByText('No pending invitations.')).toBeVisible();

  for (const [viewer, other] of [[a, b], [b, a]] as const) {
    await viewer.page.goto(`/@${other.handle}`);
    await expect(viewer.page.getByText('Connected', { exact: true })).toBeVisible();
    await expect(viewer.page.getByText('1st-degree connection')).toBeAttached();
  }
});

test('without JavaScript, follow and connect still work as plain forms', async ({ browser }) => {
  const b = await member(browser, 'nb');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const handle = uniqueHandle('na');
  await signUp(page, handle);
  await page.goto(`/@${b.handle}`);
  await page.getByRole('button', { name: 'Follow', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Following' })).toBeVisible();
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByText('Pending')).toBeVisible();
});
