import { test, expect, Browser, Page } from '@playwright/test';
import { expectAccessible, expectSoundIds, hydrated, member } from './helpers';

// Sign-ups hash passwords with argon2 on a debug server: give slow machines room.
test.describe.configure({ timeout: 120_000 });

/** The demo data's site moderator (loaded by the test server's --demo). */
async function moderator(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/signin');
  await page.getByLabel('Email or handle').fill('ada.okafor');
  await page.getByLabel('Password').fill('rounds-demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your feed' })).toBeVisible();
  return page;
}

/** Posts from the home composer and returns the new post's address. */
async function postAndOpen(page: Page, text: string): Promise<string> {
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('Share with your network').fill(text);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  const first = page.locator('.post-list article').first();
  await expect(first).toContainText(text);
  await first.getByRole('link', { name: /comments/ }).click();
  await expect(page).toHaveURL(/\/p\/[a-z0-9]+$/);
  return new URL(page.url()).pathname;
}

test('a report reaches the moderators; hiding tells the author why and readers see a notice', async ({ browser }) => {
  const author = await member(browser, 'sa');
  const reader = await member(browser, 'sr', 'patient');
  const text = `Statins cause more harm than good ${Date.now()}`;
  const path = await postAndOpen(author.page, text);

  // A reader reports it.
  await reader.page.goto(path);
  await hydrated(reader.page);
  await reader.page.getByText('Report this post').click();
  await reader.page.getByLabel('Why are you reporting this post?').selectOption('misinformation');
  await reader.page.getByLabel('Anything moderators should know (optional)').fill('Contradicts every lipid guideline.');
  await reader.page.getByRole('button', { name: 'Send report' }).click();
  await expect(reader.page.getByText('Moderators will review it')).toBeVisible();

  // A moderator finds the case and hides the post.
  const mod = await moderator(browser);
  await mod.goto('/mod/reports');
  await hydrated(mod);
  const theCase = mod.locator('li.case', { hasText: text });
  await expect(theCase).toContainText('Contradicts every lipid guideline.');
  await expectAccessible(mod);
  await theCase.getByLabel('Action').selectOption('hide');
  await theCase.getByRole('button', { name: 'Apply' }).click();
  await expect(theCase.getByText('Give a reason: the author is told what was done and why.')).toBeVisible();
  // Other cases' reason fields must not be described by this case's error.
  await expect(mod.locator('li.case')).not.toHaveCount(1);
  await expectSoundIds(mod);
  await expect(theCase.getByLabel('Action')).toHaveValue('hide');
  await theCase.getByLabel('Reason or message (the author sees it)').fill('Misleading about statin safety');
  await theCase.getByRole('button', { name: 'Apply' }).click();
  await expect(mod.locator('li.case', { hasText: text })).toHaveCount(0);
  await mod.goto('/mod/log');
  await expect(mod.locator('table.audit')).toContainText('Misleading about statin safety');

  // The author is told what was done and why.
  await author.page.goto('/notifications');
  await expect(author.page.locator('.notifications')).toContainText('Misleading about statin safety');
  await expectAccessible(author.page);
  await author.page.goto(path);
  await expect(author.page.locator('.mod-notice')).toContainText('Misleading about statin safety');

  // Readers see the notice instead of the post, and the reporter learns the outcome.
  await reader.page.goto(path);
  await expect(reader.page.locator('.mod-notice')).toContainText('Hidden by moderators');
  await expect(reader.page.locator('article.post')).not.toContainText(text);
  await reader.page.goto('/notifications');
  await expect(reader.page.locator('.notifications')).toContainText('Outcome: The post was hidden');
});

test('a phone number stops the post until the author confirms, with and without JavaScript', async ({ browser }) => {
  const a = await member(browser, 'sp');
  await a.page.goto('/');
  await hydrated(a.page);
  const text = `Please call the family at 617-555-0142 about the scan ${Date.now()}`;
  await a.page.getByLabel('Share with your network').fill(text);
  await a.page.getByRole('button', { name: 'Post', exact: true }).click();
  const review = a.page.locator('.phi-review');
  await expect(review.locator('mark')).toHaveText('617-555-0142');
  await expect(review).toContainText('a phone number');
  await expect(a.page.getByLabel('Share with your network')).toHaveValue(text);
  await expect(a.page.locator('.post-list')).not.toContainText(text);
  await expectAccessible(a.page);
  await a.page.getByLabel(/Publish anyway/).check();
  await a.page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(a.page.locator('.post-list article').first()).toContainText(text);

  // The same guard on a plain form post.
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await page.goto('/signin');
  await page.getByLabel('Email or handle').fill(a.handle);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto('/');
  const plain = `Mrs. Garcia asked about her biopsy ${Date.now()}`;
  await page.getByLabel('Share with your network').fill(plain);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.locator('.phi-review mark')).toHaveText('Mrs. Garcia');
  await page.getByLabel(/Publish anyway/).check();
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.locator('.post-list article').first()).toContainText(plain);
});

test('moderation pages refuse members with 403 and send visitors to sign in', async ({ browser }) => {
  const m = await member(browser, 'sm');
  for (const path of ['/mod/reports', '/mod/verifications', '/mod/log']) {
    const res = await m.page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(m.page.getByRole('heading', { name: 'Moderators only' })).toBeVisible();
  }
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto('/mod/reports');
  await expect(visitor).toHaveURL(/\/signin\?next=\/mod\/reports/);
});

test('a professional asks to be verified and carries the badge once a moderator approves', async ({ browser }) => {
  const doc = await member(browser, 'sv');
  await doc.page.goto('/settings/verification');
  await hydrated(doc.page);
  await expectAccessible(doc.page);
  await doc.page.getByLabel('NPI (10 digits)').fill('1234567890');
  await doc.page.getByLabel('Legal name on the credential').fill('Chidinma Okafor-Lindqvist');
  await doc.page.getByRole('button', { name: 'Ask to be verified' }).click();
  await expect(doc.page.getByText('check digit does not match').first()).toBeVisible();
  await expect(doc.page.getByLabel('NPI (10 digits)')).toHaveValue('1234567890');
  await doc.page.getByLabel('NPI (10 digits)').fill('1234567893');
  await doc.page.getByRole('button', { name: 'Ask to be verified' }).click();
  await expect(doc.page.getByText('is waiting for a moderator')).toBeVisible();

  const mod = await moderator(browser);
  await mod.goto('/mod/verifications');
  await hydrated(mod);
  const request = mod.locator('li.case', { hasText: `@${doc.handle}` });
  await expect(request).toContainText('NPI 1234567893');
  await expect(request).toContainText('legal name: Chidinma Okafor-Lindqvist');
  await expectAccessible(mod);
  await request.getByRole('button', { name: 'Approve' }).click();
  await expect(mod.locator('li.case', { hasText: `@${doc.handle}` })).toHaveCount(0);

  await doc.page.goto(`/@${doc.handle}`);
  await expect(doc.page.locator('.profile-head .badge-verified')).toHaveText('✓ Verified professional');
  await expect(doc.page.getByRole('link', { name: /Notifications, 1 unread/ })).toBeVisible();
  await expect(doc.page.locator('body')).not.toContainText('Okafor-Lindqvist');

  // A site moderator takes the badge back, with a reason the member reads.
  await mod.goto('/mod/verifications');
  await hydrated(mod);
  await mod.getByLabel("Member's handle").fill(doc.handle);
  await mod.getByRole('button', { name: 'Revoke badge' }).click();
  await expect(mod.getByText('Tell the member why the badge is revoked.').first()).toBeVisible();
  await expect(mod.getByLabel("Member's handle")).toHaveValue(doc.handle);
  await mod.getByLabel('Reason (the member sees it)').fill('Licence lapsed');
  await mod.getByRole('button', { name: 'Revoke badge' }).click();
  await mod.goto('/mod/verifications');
  await expect(mod.locator('li', { hasText: `@${doc.handle}` })).toContainText('Licence lapsed');
  await doc.page.goto('/settings/verification');
  await expect(doc.page.getByText('Your badge was revoked: Licence lapsed')).toBeVisible();
});

test('the PHI guard reviews a profile and a connection note before they are saved', async ({ browser }) => {
  const a = await member(browser, 'pf');
  await a.page.goto('/settings/profile');
  const about = `Proud of Mrs. Garcia walking again ${Date.now()}`;
  await a.page.getByLabel('About').fill(about);
  await a.page.getByRole('button', { name: 'Save profile' }).click();
  const review = a.page.locator('.phi-review');
  await expect(review.locator('mark')).toHaveText('Mrs. Garcia');
  await expect(review.locator('.phi-field')).toHaveText('About');
  await expect(a.page.getByLabel('About')).toHaveValue(about);
  await expectAccessible(a.page);
  await a.page.getByLabel(/Save anyway/).check();
  await a.page.getByRole('button', { name: 'Save profile' }).click();
  await expect(a.page).toHaveURL(new RegExp(`/@${a.handle}$`));
  await expect(a.page.locator('main')).toContainText(about);

  const b = await member(browser, 'pn');
  await a.page.goto(`/@${b.handle}`);
  await hydrated(a.page);
  await a.page.getByText('Add a note').click();
  const note = 'We both looked after Mr. Okonkwo on ward 4';
  await a.page.getByLabel('Note to send with your request').fill(note);
  await a.page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(a.page.locator('.phi-review mark')).toHaveText('Mr. Okonkwo');
  await expect(a.page.getByLabel('Note to send with your request')).toHaveValue(note);
  await expectAccessible(a.page);
  await a.page.getByLabel(/Send anyway/).check();
  await a.page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(a.page.getByText('Pending', { exact: true })).toBeVisible();
});
