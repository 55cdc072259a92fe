// Mobile Lighthouse on the home feed (signed in), a profile, a community and a post of a
// running Rounds with demo data: `node run.mjs http://127.0.0.1:3200`. Prints a table and,
// last, one JSON line. bench/lighthouse builds the release server and calls this.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const base = process.argv[2] ?? 'http://127.0.0.1:3200';

async function signIn() {
  const res = await fetch(`${base}/api/sign_in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base },
    body: new URLSearchParams({ login: 'ada.okafor', password: 'rounds-demo-password' }),
    redirect: 'manual',
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie.includes('=') || cookie.endsWith('=')) throw new Error(`sign-in failed: ${res.status}`);
  return cookie;
}

async function firstPostPath() {
  const html = await (await fetch(`${base}/@ada.okafor`)).text();
  const m = html.match(/href="(\/p\/[a-z0-9]+)"/);
  if (!m) throw new Error('no post link on the demo profile');
  return m[1];
}

async function firstCommunityPath() {
  const html = await (await fetch(`${base}/communities`)).text();
  const m = html.match(/href="(\/c\/[a-z0-9-]+)"/);
  if (!m) throw new Error('no community in the directory');
  return m[1];
}

const cookie = await signIn();
const pages = [
  ['home feed', '/', true],
  ['profile', '/@ada.okafor', false],
  ['community', await firstCommunityPath(), false],
  ['post', await firstPostPath(), false],
];

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const results = [];
try {
  for (const [name, path, signedIn] of pages) {
    const runner = await lighthouse(`${base}${path}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      formFactor: 'mobile',
      onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
      extraHeaders: signedIn ? { Cookie: cookie } : undefined,
    });
    const lhr = runner.lhr;
    const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const audit = (a) => lhr.audits[a]?.numericValue ?? null;
    const items = lhr.audits['network-requests']?.details?.items ?? [];
    const bytes = (pred) => items.filter(pred).reduce((n, i) => n + (i.transferSize ?? 0), 0);
    results.push({
      page: name,
      path,
      performance: score('performance'),
      accessibility: score('accessibility'),
      best_practices: score('best-practices'),
      seo: score('seo'),
      lcp_ms: Math.round(audit('largest-contentful-paint')),
      tbt_ms: Math.round(audit('total-blocking-time')),
      cls: Number((audit('cumulative-layout-shift') ?? 0).toFixed(3)),
      transferred_bytes: bytes(() => true),
      js_wasm_bytes: bytes((i) => /\.(js|wasm)(\?|$)/.test(i.url)),
    });
  }
} finally {
  await chrome.kill();
}
console.log('page        perf  a11y  bp   seo  LCP ms  TBT ms  CLS    bytes   JS+WASM');
for (const r of results) {
  console.log(
    `${r.page.padEnd(11)} ${String(r.performance).padStart(4)} ${String(r.accessibility).padStart(5)} ${String(r.best_practices).padStart(4)} ${String(r.seo).padStart(4)} ${String(r.lcp_ms).padStart(7)} ${String(r.tbt_ms).padStart(7)} ${r.cls.toFixed(3).padStart(6)} ${String(r.transferred_bytes).padStart(7)} ${String(r.js_wasm_bytes).padStart(8)}`,
  );
}
console.log(JSON.stringify({ bench: 'lighthouse', pages: results }));
