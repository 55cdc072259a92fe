// Registers the service worker and offers a new version when one is waiting.
// Plain JavaScript, loaded with `defer`: the app works without it, and it does not touch
// the part of the page the WebAssembly bundle hydrates.
(function () {
  if (!('serviceWorker' in navigator)) return;

  function offerUpdate(worker) {
    if (document.getElementById('update-banner')) return;
    var bar = document.createElement('div');
    bar.id = 'update-banner';
    bar.className = 'update-banner';
    bar.setAttribute('role', 'status');
    var text = document.createElement('span');
    text.textContent = 'A new version of Rounds is available.';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button-small';
    button.textContent = 'Reload';
    button.addEventListener('click', function () {
      button.disabled = true;
      worker.postMessage('skip-waiting');
    });
    bar.appendChild(text);
    bar.appendChild(button);
    // Outside <body>, so hydration never meets an element it did not render.
    document.documentElement.appendChild(bar);
  }

  // Tell the service worker about in-app navigations (the router uses pushState), so
  // pages opened that way are saved for offline reading like full page loads.
  function visited() {
    var sw = navigator.serviceWorker.controller;
    if (sw) sw.postMessage({ type: 'visited', path: location.pathname + location.search });
  }
  var push = history.pushState;
  history.pushState = function () {
    var result = push.apply(this, arguments);
    visited();
    return result;
  };
  window.addEventListener('popstate', visited);

  // Who is signed in, as the server rendered it (the header links their profile).
  function tellMember() {
    var sw = navigator.serviceWorker.controller;
    var link = document.querySelector('.topbar .member-link');
    if (sw) sw.postMessage({ type: 'member', who: link ? link.getAttribute('href') : '' });
  }
  tellMember();
  navigator.serviceWorker.addEventListener('controllerchange', tellMember);
  // Signing out forgets the member's saved pages at once, before the server answers.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    var sw = navigator.serviceWorker.controller;
    if (sw && form && form.action && /\/api\/sign_(out|in|up)$/.test(form.action)) sw.postMessage('forget-pages');
  }, true);

  var reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', function () {
    if (reloading || !window.__roundsUpdateAccepted) return;
    reloading = true;
    location.reload();
  });

  window.addEventListener('load', function () {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(function (reg) {
      function watch(worker) {
        worker.addEventListener('statechange', function () {
          if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
        });
      }
      if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
      if (reg.installing) watch(reg.installing);
      reg.addEventListener('updatefound', function () { watch(reg.installing); });
    }).catch(function (e) { console.warn('service worker not registered', e); });
  });

  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (t && t.closest && t.closest('#update-banner button')) window.__roundsUpdateAccepted = true;
  }, true);
})();
