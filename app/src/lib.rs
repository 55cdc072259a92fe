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

/// The stylesheet's address: content-hashed (cargo-leptos `hash-files`) when the build
/// wrote `hash.txt` next to the server binary, so browsers and the service worker can keep
/// it forever.
fn stylesheet_href(options: &LeptosOptions) -> String {
    let name = &options.output_name;
    let pkg = &options.site_pkg_dir;
    #[cfg(feature = "ssr")]
    if options.hash_files {
        static CSS_HASH: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let hash = CSS_HASH.get_or_init(|| {
            let path = std::env::current_exe()
                .ok()?
                .parent()?
                .join(options.hash_file.as_ref());
            let text = std::fs::read_to_string(path).ok()?;
            text.lines()
                .find_map(|l| l.trim().strip_prefix("css:").map(|h| h.trim().to_string()))
        });
        if let Some(hash) = hash {
            return format!("/{pkg}/{name}.{hash}.css");
        }
    }
    format!("/{pkg}/{name}.css")
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let css = stylesheet_href(&options);
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
                <script src="/pwa.js" defer></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
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
