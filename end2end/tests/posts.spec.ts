import { test, expect, Page } from '@playwright/test';
import { collectErrors, expectAccessible, hydrated, member, signUp, uniqueHandle } from './helpers';

// Sign-ups hash passwords with argon2 on a debug server: give slow machines room.
test.describe.configure({ timeout: 90_000 });

/** Publishes from the composer on the current page and waits for the server. */
async function publish(page: Page, text: string, visibility?: string) {
  await page.getByLabel('Share with your network').fill(text);
  if (visibility) await page.getByLabel('Who can see this').selectOption({ label: visibility });
  await page.getByRole('button', { name: 'Post', exact: true }).click();
}

test('compose a post and see it at the top of the feed; comment, react, open it', async ({ browser }) => {
  const a = await member(browser, 'pa');
  await a.page.goto('/');
  await hydrated(a.page);
  await expectAccessible(a.page);
  const text = `Ward round note ${Date.now()}`;
  await publish(a.page, `**${text}**`);
  const first = a.page.locator('.post-list article').first();
  await expect(first).toContainText(text);
  await expect(first.locator('strong')).toHaveText(text);

  // React: optimistic toggle confirmed by the server.
  const insightful = first.getByRole('button', { name: /Insightful/ });
  await insightful.click();
  await expect(insightful).toHaveAttribute('aria-pressed', 'true');
  await expect(insightful).toContainText('1');
  await expect(insightful).toBeEnabled();

  // Open the post and comment.
  await first.getByRole('link', { name: /0 comments/ }).click();
  await expect(a.page).toHaveURL(/\/p\/[a-z0-9]+$/);
  await hydrated(a.page);
  await a.page.getByLabel('Add a comment').fill('Agreed — and check the potassium.');
  await a.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(a.page.locator('.comments')).toContainText('check the potassium');
  await expectAccessible(a.page);
  await a.page.reload();
  await expect(a.page.locator('.comments')).toContainText('check the potassium');
  await expect(a.page.getByRole('button', { name: /Insightful/ })).toHaveAttribute('aria-pressed', 'true');
});

test('a failed post keeps the draft and says what is wrong', async ({ browser }) => {
  const a = await member(browser, 'pd');
  await a.page.goto('/');
  await hydrated(a.page);
  await a.page.getByLabel('Share with your network').fill('See the trial');
  await a.page.getByText('Add sources').click();
  await a.page.getByLabel('Sources, one per line').fill('not a source');
  await a.page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(a.page.getByText(/Line 1: .* is not a DOI/).first()).toBeVisible();
  await expect(a.page.getByLabel('Share with your network')).toHaveValue('See the trial');
  await expect(a.page.getByLabel('Sources, one per line')).toHaveValue('not a source');
});

test('without JavaScript, posting and commenting work as plain forms', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const handle = uniqueHandle('pn');
  await signUp(page, handle);
  await page.goto('/');
  const text = `No-JS post ${Date.now()}`;
  await page.getByLabel('Share with your network').fill(text);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.locator('.post-list article').first()).toContainText(text);
  await page.locator('.post-list article').first().getByRole('link', { name: /comments/ }).click();
  await page.getByLabel('Add a comment').fill('Works without scripts');
  await page.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(page.locator('.comments')).toContainText('Works without scripts');
});

test('a connections-only post is invisible to a signed-out visitor and to a stranger', async ({ browser }) => {
  const a = await member(browser, 'pc');
  const stranger = await member(browser, 'ps');
  await a.page.goto('/');
  await hydrated(a.page);
  const text = `Between colleagues ${Date.now()}`;
  await publish(a.page, text, 'Connections only');
  const first = a.page.locator('.post-list article').first();
  await expect(first).toContainText(text);
  const href = await first.getByRole('link', { name: /comments/ }).getAttribute('href');
  expect(href).toMatch(/^\/p\/[a-z0-9]+$/);

  const anon = await (await browser.newContext()).newPage();
  const res = await anon.goto(href!);
  expect(res?.status()).toBe(404);
  await expect(anon.getByText(text)).toHaveCount(0);
  await anon.goto(`/@${a.handle}`);
  await expect(anon.getByRole('heading', { name: 'Posts' })).toBeVisible();
  await expect(anon.getByText(text)).toHaveCount(0);

  const res2 = await stranger.page.goto(href!);
  expect(res2?.status()).toBe(404);
  await stranger.page.goto(`/@${a.handle}`);
  await expect(stranger.page.getByRole('heading', { name: 'Posts' })).toBeVisible();
  await expect(stranger.page.getByText(text)).toHaveCount(0);
});

test('create and join a community, then post there', async ({ browser }) => {
  const owner = await member(browser, 'co');
  const patient = await member(browser, 'cp', 'patient');
  const slug = `cond-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const name = `Living with asthma ${slug.slice(5)}`;
  await owner.page.goto('/communities/new');
  await hydrated(owner.page);
  await owner.page.getByLabel('Name').fill(name);
  await owner.page.getByLabel('Address').fill(slug);
  await owner.page.getByLabel('What is it for?').fill('Peer support for people with asthma.');
  await owner.page.getByLabel('Kind').selectOption('condition');
  await owner.page.getByRole('button', { name: 'Create community' }).click();
  await expect(owner.page).toHaveURL(new RegExp(`/c/${slug}$`));
  await expect(owner.page.getByRole('heading', { name })).toBeVisible();

  await patient.page.goto('/communities?kind=condition');
  await expectAccessible(patient.page);
  await patient.page.getByRole('link', { name }).click();
  await hydrated(patient.page);
  await patient.page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(patient.page.getByText('You are a member.')).toBeVisible();
  const text = `My inhaler tips ${Date.now()}`;
  await publish(patient.page, text);
  await expect(patient.page.locator('.post-list article').first()).toContainText(text);
  await expect(patient.page.locator('.post-list article').first()).toContainText('Members');
  await expectAccessible(patient.page);

  // Members-only: the owner (a member) sees it; a signed-out visitor does not.
  await owner.page.reload();
  await expect(owner.page.getByText(text)).toBeVisible();
  const anon = await (await browser.newContext()).newPage();
  await anon.goto(`/c/${slug}`);
  await expect(anon.getByRole('heading', { name })).toBeVisible();
  await expect(anon.getByText(text)).toHaveCount(0);
});

test('after hydration the composer counts and previews, and "Load more" appends in place', async ({ browser }) => {
  const a = await member(browser, 'pm');
  const errors = collectErrors(a.page);
  // Eleven posts through the endpoint the composer posts to: one more than a page.
  for (let i = 1; i <= 11; i++) {
    const res = await a.page.request.post('/api/create_post', {
      form: { body: `Numbered note ${i}`, visibility: 'public', citations: '', community: '' },
      headers: { Accept: 'application/json' },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await a.page.goto('/');
  await hydrated(a.page);
  await a.page.evaluate(() => ((window as any).__noReload = true));

  await a.page.getByLabel('Share with your network').fill('**Bold** claim');
  await expect(a.page.locator('#f-body-count')).toContainText('14 / 5000');
  await a.page.getByRole('button', { name: 'Preview' }).click();
  await expect(a.page.getByRole('region', { name: 'Preview' }).locator('strong')).toHaveText('Bold');

  const cards = a.page.locator('.post-list article');
  await expect(cards).toHaveCount(10);
  // A DOM click: scrolling the link into view would already load the page (infinite
  // scroll) and take the link away under the pointer.
  await a.page.getByRole('link', { name: 'Load more' }).evaluate((el: HTMLElement) => el.click());
  await expect(cards).toHaveCount(11);
  await expect(cards.last()).toContainText('Numbered note 1');
  await expect(a.page.getByRole('link', { name: 'Load more' })).toHaveCount(0);
  expect(new URL(a.page.url()).search).toBe('');
  // A card added in the browser reacts like a server-rendered one.
  const like = cards.last().getByRole('button', { name: /Like/ });
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await expect(like).toContainText('1');
  expect(await a.page.evaluate(() => (window as any).__noReload)).toBe(true);
  await expectAccessible(a.page);
  expect(errors).toEqual([]);
});
