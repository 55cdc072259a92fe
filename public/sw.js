// Rounds service worker.
// - App shell: the offline page and the content-hashed CSS, JS and WASM it links are
//   precached at install; hashed assets and icons are served cache-first.
// - Pages are network-first. The feed, profiles and posts a member opened are kept in
//   that member's page cache so they can be read again offline; anything else falls
//   back to the offline page.
// - Server-function responses (/api/...) are never cached. The page cache is deleted
//   when the member signs out, and whenever a page load shows that someone else (or
//   nobody) is signed in, so one member's pages are never shown to another.
// - A new version waits until the page asks it to take over ("a new version is
//   available — reload"), so a running page never mixes two builds.

const VERSION = 'v2';
const SHELL = `rounds-shell-${VERSION}`;
const PAGES = 'rounds-pages';
const OFFLINE = '/offline';
const STATIC = /^\/(pkg|icons)\/|^\/(favicon\.svg|manifest\.webmanifest)$/;
// Pages worth reading offline: the feed, profiles and single posts.
const READABLE = /^\/$|^\/@[^/]+$|^\/p\/[A-Za-z0-9]+$/;
// Where the page records who is signed in (see /pwa.js).
const WHO = '/__rounds_member';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    const res = await fetch(OFFLINE, { cache: 'reload', credentials: 'omit' });
    if (!res.ok) throw new Error(`offline page: ${res.status}`);
    const html = await res.clone().text();
    await cache.put(OFFLINE, res);
    // The shell's assets are exactly what the offline page links or its hydration script
    // imports (hashed names).
    const assets = new Set(['/manifest.webmanifest', '/favicon.svg', '/icons/icon-192.png']);
    for (const m of html.matchAll(/"(\/(?:pkg|icons)\/[^"\s]+)"/g)) assets.add(m[1]);
    await cache.addAll([...assets]);
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== SHELL && key !== PAGES) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  if (event.data === 'forget-pages') event.waitUntil(caches.delete(PAGES));
  // Every page load says who is signed in ('' for nobody); a different member (or a
  // sign-out that happened elsewhere) empties the page cache before anything is shown.
  if (event.data && event.data.type === 'member') event.waitUntil(member(String(event.data.who)));
  // In-app navigations do not reach the network as page loads; the page reports them so
  // the feed, profiles and posts opened that way can be read offline too.
  if (event.data && event.data.type === 'visited') {
    const url = new URL(event.data.path, self.location.origin);
    if (url.origin === self.location.origin && READABLE.test(url.pathname) && !url.search) {
      event.waitUntil(savePage(url.pathname));
    }
  }
});

async function member(who) {
  const shell = await caches.open(SHELL);
  const last = await shell.match(WHO);
  const previous = last ? await last.text() : null;
  if (previous !== who) {
    await caches.delete(PAGES);
    await shell.put(WHO, new Response(who));
  }
}

async function savePage(path) {
  try {
    const res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (res.ok && res.type === 'basic') await (await caches.open(PAGES)).put(path, res);
  } catch (offline) {
    // Nothing to save while offline.
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method !== 'GET') return;
  if (url.pathname.startsWith('/api/')) return;
  if (req.mode === 'navigate') {
    event.respondWith(page(req, url));
  } else if (STATIC.test(url.pathname)) {
    event.respondWith(staticAsset(req));
  }
});

async function page(req, url) {
  try {
    const res = await fetch(req);
    if (res.ok && res.type === 'basic' && READABLE.test(url.pathname) && !url.search) {
      const copy = res.clone();
      caches.open(PAGES).then((c) => c.put(url.pathname, copy));
    }
    return res;
  } catch (offline) {
    const saved = await caches.match(req.url, { cacheName: PAGES, ignoreVary: true });
    if (saved) return saved;
    const fallback = await caches.match(OFFLINE, { cacheName: SHELL });
    return fallback || new Response('You are offline.', { status: 503, headers: { 'Content-Type': 'text/plain' } });
  }
}

async function staticAsset(req) {
  const hit = await caches.match(req);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && res.type === 'basic') {
    const copy = res.clone();
    caches.open(SHELL).then((c) => c.put(req, copy));
  }
  return res;
}
