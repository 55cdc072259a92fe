import { test, expect } from '@playwright/test';
import { PASSWORD, collectErrors, expectAccessible, hydrated, signUp, uniqueHandle } from './helpers';

test.describe('with JavaScript', () => {
  test('sign up → own profile → edit profile → sign out → sign in', async ({ page }) => {
    const errors = collectErrors(page);
    const handle = uniqueHandle('e2e.js');
    await page.goto('/signup');
    await hydrated(page);
    await signUp(page, handle);

    await expect(page).toHaveURL(new RegExp(`/@${handle}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Test ${handle}`);
    await expect(page.getByText('Professional', { exact: true })).toBeVisible();

    await page.getByRole('link', { name: 'Edit profile' }).first().click();
    await expect(page).toHaveURL(/\/settings\/profile$/);
    await hydrated(page);
    await page.getByLabel('Headline').fill('Emergency physician');
    await page.getByLabel('Specialty', { exact: true }).selectOption('Emergency Medicine');
    await page.getByLabel('Sub-specialty').selectOption('Toxicology');
    await page.getByLabel('Experience').fill('Attending | Harbor General | 2020–present');
    await page.getByLabel('Skills').fill('Toxicology, Airway');
    await page.getByLabel('Conflict-of-interest disclosure').fill('No conflicts.');
    await page.getByRole('button', { name: 'Save profile' }).click();

    await expect(page).toHaveURL(new RegExp(`/@${handle}$`));
    await expect(page.getByText('Emergency physician')).toBeVisible();
    await expect(page.getByText('Emergency Medicine · Toxicology')).toBeVisible();
    await expect(page.getByText('Harbor General')).toBeVisible();
    await expect(page.getByText('No conflicts.')).toBeVisible();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();

    await page.goto('/signin');
    await hydrated(page);
    await page.getByLabel('Email or handle').fill(handle);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Your feed' })).toBeVisible();
    await expect(page.locator('.member-link')).toHaveText(`Test ${handle}`);
    expect(errors).toEqual([]);
  });

  test('a rejected sign-up keeps what was typed and says what is wrong', async ({ page }) => {
    const handle = uniqueHandle('e2e.keep');
    await page.goto('/signup');
    await hydrated(page);
    await page.getByLabel('Name to show').fill('Kept Name');
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Email').fill(`${handle}@example.org`);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.locator('#f-password-error')).toContainText('at least 10 characters');
    await expect(page.getByRole('alert').first()).toContainText('at least 10 characters');
    await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Name to show')).toHaveValue('Kept Name');
    await expect(page.getByLabel('Handle')).toHaveValue(handle);
  });

  test('a wrong password is refused with a clear message', async ({ page }) => {
    await page.goto('/signin');
    await hydrated(page);
    await page.getByLabel('Email or handle').fill('nobody.here');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#f-password-error')).toContainText('do not match');
    await expect(page.getByLabel('Email or handle')).toHaveValue('nobody.here');
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('sign up, edit, sign out and sign in with plain HTML forms', async ({ page }) => {
    const handle = uniqueHandle('e2e.nojs');
    await signUp(page, handle, 'patient');
    await expect(page).toHaveURL(new RegExp(`/@${handle}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Test ${handle}`);

    await page.goto('/settings/profile');
    await page.getByLabel('Hide my name and show only my handle').check();
    await page.getByLabel('Headline').fill('Living with asthma');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await expect(page).toHaveURL(new RegExp(`/@${handle}$`));
    await expect(page.getByText('Living with asthma')).toBeVisible();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`/@${handle}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(handle);
    await expect(page.getByText(`Test ${handle}`)).toHaveCount(0);

    await page.goto('/signin');
    await page.getByLabel('Email or handle').fill(`${handle}@example.org`);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Your feed' })).toBeVisible();
    await expect(page.locator('.member-link')).toHaveText(`Test ${handle}`);
  });

  test('a rejected no-JS sign-up keeps the input and shows the error', async ({ page }) => {
    const handle = uniqueHandle('e2e.nojskeep');
    await page.goto('/signup');
    await page.getByLabel('Name to show').fill('Plain Form');
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.locator('#f-email-error')).toContainText('Enter an email address');
    await expect(page.getByLabel('Name to show')).toHaveValue('Plain Form');
    await expect(page.getByLabel('Handle')).toHaveValue(handle);
    await expect(page.getByLabel('Email')).toHaveValue('not-an-email');
  });
});

test('pages hydrate without console errors and pass axe', async ({ page }) => {
  const errors = collectErrors(page);
  const handle = uniqueHandle('e2e.axe');
  for (const path of ['/', '/signin', '/signup', '/offline']) {
    await page.goto(path);
    await hydrated(page);
    await expectAccessible(page);
  }
  await signUp(page, handle, 'organization');
  await expect(page).toHaveURL(new RegExp(`/@${handle}$`));
  await hydrated(page);
  await expectAccessible(page);
  await page.goto('/');
  await hydrated(page);
  await expectAccessible(page);
  await page.goto('/settings/profile');
  await hydrated(page);
  await expectAccessible(page);
  expect(errors).toEqual([]);
});

test('unknown profiles and paths answer 404', async ({ page }) => {
  const res = await page.goto('/@no.such.member.zz');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  const res2 = await page.goto('/definitely/not/here');
  expect(res2?.status()).toBe(404);
});

test('keyboard-only sign-in works', async ({ page, browserName }) => {
  test.skip(browserName !== 'chromium');
  const handle = uniqueHandle('e2e.kb');
  await signUp(page, handle);
  await page.context().clearCookies();
  await page.goto('/signin');
  await hydrated(page);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.getByLabel('Email or handle').focus();
  await page.keyboard.type(handle);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Your feed' })).toBeVisible();
    await expect(page.locator('.member-link')).toHaveText(`Test ${handle}`);
});
