import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium (scripts/setup installs it); Playwright's own browser download is
// not reachable from our machines.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
};
const port = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'Desktop Chrome', use: { ...devices['Desktop Chrome'], launchOptions } },
    { name: 'Pixel 7', use: { ...devices['Pixel 7'], launchOptions } },
  ],
  // The freshly built server on a throwaway in-memory database; fails loudly if it
  // cannot start (scripts/test builds it first).
  webServer: {
    command: './target/debug/rounds serve --demo',
    cwd: '..',
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ROUNDS_DB: 'mem://',
      ROUNDS_ADDR: `127.0.0.1:${port}`,
      ROUNDS_SIGNUP_PER_IP: '100000',
      ROUNDS_SIGNIN_PER_IP: '100000',
      ROUNDS_SIGNIN_PER_ACCOUNT: '1000',
      RUST_LOG: 'warn',
    },
  },
});
