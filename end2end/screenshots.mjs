// Takes the manifest's install-dialog screenshots (public/icons/screenshot-*.png) from a
// running Rounds with demo data: `node screenshots.mjs http://127.0.0.1:3000`.
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
async function signedIn(viewport) {
  const page = await (await browser.newContext({ viewport, deviceScaleFactor: 1 })).newPage();
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email or handle').fill('ada.okafor');
  await page.getByLabel('Password').fill('rounds-demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your feed' }).waitFor();
  return page;
}
const phone = await signedIn({ width: 412, height: 915 });
await phone.goto(`${base}/@ada.okafor`);
await phone.screenshot({ path: '../public/icons/screenshot-narrow.png' });
const desk = await signedIn({ width: 1280, height: 800 });
await desk.goto(`${base}/mod/reports`);
await desk.screenshot({ path: '../public/icons/screenshot-wide.png' });
await browser.close();
