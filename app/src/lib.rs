//! Rounds: the App, the HTML shell and the route table.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod domain;

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

use components::layout::{Header, Navigation, provide_me};
use pages::communities::{CommunitiesPage, CommunityPage, NewCommunityPage};
use pages::home::HomePage;
use pages::members::MemberListPage;
use pages::moderation::{AuditLogPage, ReportsPage, VerificationsPage};
use pages::network::NetworkPage;
use pages::not_found::NotFound;
use pages::notifications::NotificationsPage;
use pages::offline::OfflinePage;
use pages::post::PostPage;
use pages::profile::ProfilePage;
use pages::settings::ProfileSettingsPage;
use pages::signin::SignInPage;
use pages::signup::SignUpPage;
use pages::verification::VerificationPage;

/// The address of a built asset (`kind` is the key cargo-leptos writes to `hash.txt`:
/// css, js or wasm): content-hashed when the build wrote `hash.txt` next to the server
/// binary (`hash-files`), so browsers and the service worker can keep it forever.
fn asset_href(options: &LeptosOptions, kind: &str, ext: &str) -> String {
    let name = &options.output_name;
    let pkg = &options.site_pkg_dir;
    #[cfg(feature = "ssr")]
    if options.hash_files {
        static HASHES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
        let hashes = HASHES.get_or_init(|| {
            let text = std::env::current_exe()
                .ok()
                .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
                .and_then(|path| std::fs::read_to_string(path).ok())
                .unwrap_or_default();
            text.lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(k, h)| (k.trim().to_string(), h.trim().to_string()))
                .collect()
        });
        if let Some((_, hash)) = hashes.iter().find(|(k, _)| k == kind) {
            return format!("/{pkg}/{name}.{hash}.{ext}");
        }
    }
    // Unhashed, wasm-bindgen names the module `<name>_bg.wasm` unless cargo-leptos set
    // the output name (as it does for every build it runs).
    if kind == "wasm" && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
        return format!("/{pkg}/{name}_bg.{ext}");
    }
    format!("/{pkg}/{name}.{ext}")
}

/// Loads the WebAssembly bundle once the browser has painted the page and is idle, then
/// hydrates its islands: the few interactive parts (`#[island]` components such as the
/// composer, reactions and relationship buttons). Everything else is the server's HTML
/// and stays so; forms and links work as plain HTML before (and outside) the islands.
/// Nothing is preloaded in `<head>`, so the page's own content never waits for the bundle.
/// The island walk is leptos' own `island_script.js`, which `HydrationScripts` would add.
fn hydration_script(options: &LeptosOptions) -> String {
    let js = asset_href(options, "js", "js");
    let wasm = asset_href(options, "wasm", "wasm");
    format!(
        r#"(() => {{
  const walk = async (node, mod, parents) => {{
    for (const el of node.children) {{
      const tag = el.tagName.toLowerCase();
      if (tag === "leptos-island") {{
        const f = mod[el.dataset.component];
        const cb = parents[parents.length - 1];
        if (cb) cb();
        if (f) await f(el); else console.warn("no island function", el.dataset.component);
        await walk(el, mod, parents);
      }} else if (tag === "leptos-children") {{
        parents.push(el.$$on_hydrate);
        await walk(el, mod, parents);
        parents.pop();
      }} else {{
        await walk(el, mod, parents);
      }}
    }}
  }};
  const hydrate = () => import("{js}")
    .then((m) => m.default({{ module_or_path: "{wasm}" }}).then(() => {{ m.hydrate(); return walk(document.body, m, []); }}))
    .then(() => document.body.setAttribute("data-hydrated", "true"));
  const idle = () => ("requestIdleCallback" in window ? requestIdleCallback(hydrate, {{ timeout: 2000 }}) : setTimeout(hydrate, 1));
  const start = () => requestAnimationFrame(() => setTimeout(idle, 0));
  if (document.readyState === "complete") start(); else addEventListener("load", start, {{ once: true }});
}})();"#
    )
}

/// Sends the page's Content-Security-Policy. Scripts run only with this response's nonce
/// (the loader, `pwa.js` and Leptos's own inline scripts carry it) or when such a script
/// loaded them (`strict-dynamic`: the WASM bundle's JS); no inline handler or injected
/// `<script>` runs, so post HTML, which is inserted raw after ammonia cleaned it, has a
/// second wall behind the sanitizer. `wasm-unsafe-eval` lets the bundle compile.
#[cfg(feature = "ssr")]
fn content_security_policy(nonce: Option<&leptos::nonce::Nonce>) {
    let Some(res) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let scripts = match nonce {
        Some(n) => format!("'nonce-{n}' 'strict-dynamic' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_string(),
    };
    let policy = format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Islands mode: only `#[island]` components carry hydration markers and state; the
    // rest of the page is rendered as plain HTML (what `HydrationScripts` would set).
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let css = asset_href(&options, "css", "css");
    let hydrate = hydration_script(&options);
    let nonce = leptos::nonce::use_nonce();
    #[cfg(feature = "ssr")]
    content_security_policy(nonce.as_ref());
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#0f5c63"/>
                <link rel="stylesheet" href=css/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <script src="/pwa.js" defer nonce=nonce.clone()></script>
                <AutoReload options=options.clone()/>
                <script type="module" nonce=nonce inner_html=hydrate></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Link rel="manifest" href="/manifest.webmanifest"/>
        <Title text="Rounds"/>
        <Router>
            <Layout/>
        </Router>
    }
}

#[component]
fn Layout() -> impl IntoView {
    provide_me();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Header/>
        <div class="frame">
            <Navigation/>
            <main id="main" tabindex="-1">
                <ErrorBoundary fallback=|errors| view! {
                    <section class="card narrow" role="alert">
                        <h1>"Something went wrong"</h1>
                        <ul>{move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}</ul>
                    </section>
                }>
                    <Routes fallback=|| view! { <NotFound/> }>
                        <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("p"), ParamSegment("id")) view=PostPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("communities") view=CommunitiesPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("communities"), StaticSegment("new")) view=NewCommunityPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("c"), ParamSegment("slug")) view=CommunityPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("signin") view=SignInPage/>
                        <Route path=StaticSegment("offline") view=OfflinePage/>
                        <Route path=StaticSegment("signup") view=SignUpPage/>
                        <Route path=(StaticSegment("settings"), StaticSegment("profile")) view=ProfileSettingsPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("network") view=NetworkPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("notifications") view=NotificationsPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("settings"), StaticSegment("verification")) view=VerificationPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("mod"), StaticSegment("reports")) view=ReportsPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("mod"), StaticSegment("verifications")) view=VerificationsPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("mod"), StaticSegment("log")) view=AuditLogPage ssr=SsrMode::Async/>
                        <Route path=ParamSegment("handle") view=ProfilePage ssr=SsrMode::Async/>
                        <Route path=(ParamSegment("handle"), StaticSegment("followers"))
                            view=|| view! { <MemberListPage kind="followers"/> } ssr=SsrMode::Async/>
                        <Route path=(ParamSegment("handle"), StaticSegment("following"))
                            view=|| view! { <MemberListPage kind="following"/> } ssr=SsrMode::Async/>
                        <Route path=(ParamSegment("handle"), StaticSegment("connections"))
                            view=|| view! { <MemberListPage kind="connections"/> } ssr=SsrMode::Async/>
                    </Routes>
                </ErrorBoundary>
            </main>
        </div>
    }
}
