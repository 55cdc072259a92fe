//! The axum router: Leptos pages and server functions, static files, `/healthz`, and the
//! middleware (cross-site request refusal, security headers, compression, tracing).

use std::path::Path;

use app::error::AppError;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::app_state::AppState;
use crate::db_health::{DbHealth, REQUEST_LIMIT};

/// The app's routes, generated once per process. Generating them renders the app with a
/// process-global "suppress resource loads" flag set (leptos_server's
/// `IS_SUPPRESSING_RESOURCE_LOAD`): a resource that another server in the same process
/// first polls during that window waits forever, and its request with it
/// (leptos-rs/leptos#4773). One process serves one router, except in the tests, which
/// start a server per test while others serve requests: there it hung about one run in
/// six of `server/tests/http.rs`.
fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The paths of the app's pages, as the router matches them (`/p/{id}`, `/{handle}`, …):
/// what the fuzz tests check they cover.
pub fn page_paths() -> Vec<String> {
    routes().iter().map(|r| r.path().to_string()).collect()
}

/// Builds the whole application router.
pub fn build(state: AppState) -> Router {
    let routes = routes();
    let ctx = state.ctx.clone();
    let context = move || {
        provide_context(ctx.clone());
        provide_context(app::api::context::RequestDb::default());
        provide_context(app::api::context::MemberMemo::default());
    };
    let site_root = state.leptos_options.site_root.to_string();
    let secure = state.ctx.auth.secure_cookies;

    let mut router = Router::new().route("/healthz", get(healthz));
    // Static files first: the profile route `/{handle}` would otherwise catch
    // `/favicon.svg` and friends.
    router = static_routes(router, Path::new(&site_root));
    router
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(middleware::from_fn(pages_render_to_the_end))
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn(limit_api_body))
        .layer(middleware::from_fn(page_redirect_status))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            form_errors_off_the_url,
        ))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn(private_pages_not_stored))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            // Only over https (the browser ignores it on http, but a plain-http deployment
            // should not claim it); two years, the preload list's minimum.
            secure.then(|| HeaderValue::from_static("max-age=63072000; includeSubDomains")),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            database_unavailable,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// While the database does not answer, pages and server functions answer 503 at once; a
/// request caught in flight when it goes away is answered 503 when a ping fails, and any
/// request that takes longer than [`REQUEST_LIMIT`] when that time is up (see
/// [`crate::db_health`]). The cut request's work is dropped; a retried post or comment
/// carries its idempotency key, so it is not written twice.
/// Static files and `/healthz` (which has its own limit) are served either way.
async fn database_unavailable(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let needs_db = !(path == "/healthz" || path.starts_with("/pkg/") || path.contains('.'));
    if !needs_db {
        return next.run(req).await;
    }
    let api = path.starts_with("/api/");
    if !state.health.is_up() {
        return unavailable(api);
    }
    tokio::select! {
        res = next.run(req) => res,
        () = state.health.until_down() => unavailable(api),
        () = tokio::time::sleep(REQUEST_LIMIT) => {
            tracing::error!(limit_s = REQUEST_LIMIT.as_secs(), "a request ran out of time: answering 503");
            unavailable(api)
        }
    }
}

/// The 503 of [`database_unavailable`]: the error as JSON for a server function, a short
/// page for a browser.
fn unavailable(api: bool) -> Response {
    let err = AppError::unavailable();
    let mut res = if api {
        (
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&err).unwrap_or_default(),
        )
            .into_response()
    } else {
        let page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Rounds is unavailable</title></head><body><main>\
             <h1>Rounds is briefly unavailable</h1><p role=\"alert\">{}</p>\
             <p><a href=\"\">Try again</a></p></main></body></html>",
            err.message
        );
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
    };
    *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    res
}

/// Serves every file and folder at the top of the site root at its own path.
fn static_routes(mut router: Router<AppState>, site_root: &Path) -> Router<AppState> {
    let Ok(entries) = std::fs::read_dir(site_root) else {
        tracing::warn!(root = %site_root.display(), "site root missing: run `cargo leptos build`");
        return router;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = entry.path();
        // Built assets carry a content hash in their names: cache them for a year. The
        // service worker script must be revalidated so updates are noticed; everything
        // else (icons, manifest) for a day.
        let cache = match name.as_str() {
            "pkg" => "public, max-age=31536000, immutable",
            "sw.js" | "pwa.js" => "no-cache",
            _ => "public, max-age=86400",
        };
        let cache = SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        );
        if path.is_dir() {
            // Release builds may ship .br/.gz copies next to each asset (bench/lighthouse
            // writes them); they are sent as-is to browsers that accept them.
            router = router.nest_service(
                &format!("/{name}"),
                tower::ServiceBuilder::new()
                    .layer(cache)
                    .service(ServeDir::new(path).precompressed_br().precompressed_gzip()),
            );
        } else {
            router = router.route_service(
                &format!("/{name}"),
                tower::ServiceBuilder::new()
                    .layer(cache)
                    .service(ServeFile::new(path)),
            );
        }
    }
    router
}

/// 200 "ok" when the database answers `RETURN 1` within [`crate::db_health::PING_LIMIT`], else 503.
async fn healthz(State(state): State<AppState>) -> Response {
    let ping = DbHealth::ping(&state.ctx.db).await;
    state.health.record(&ping);
    match ping {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(%e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Gives every server-function error its HTTP status. Server functions return an
/// `AppError` body with status 500; this reads the error's kind (400, 401, 403, 404, 409,
/// 429) — including errors raised before the function ran, such as undecodable arguments.
async fn server_fn_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    if !is_api || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // An error keeps what the member typed (up to `AppError::KEPT_CHARS` a field), so its
    // body can be as large as the request was.
    let Ok(bytes) = axum::body::to_bytes(body, 4 * MAX_API_BODY).await else {
        parts.headers.remove(header::CONTENT_LENGTH);
        let err = serde_json::to_vec(&AppError::internal()).unwrap_or_default();
        return Response::from_parts(parts, Body::from(err));
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// No page of Rounds uses the camera, microphone, location, payments, USB or sensors, and
/// no page lets an embedded frame ask for them.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
    accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()";

/// A signed-in member's pages name them and what they may read: no shared cache (a
/// proxy's, a CDN's) and no browser disk cache may keep them. The service worker's page
/// cache, kept per member and emptied at sign-out, still works (the Cache API ignores
/// `no-store`).
/// Renders every page to its end even when nobody reads it any more (a HEAD request, a
/// browser that disconnects): a task drives Leptos's HTML stream and forwards its chunks
/// while the client listens. Dropped halfway, the stream would dispose the request's
/// reactive owner while a `Suspense` effect on another thread was still walking its
/// views, and that walk panicked on the disposed values (found by the page fuzzing, in
/// `AsyncDerived::into_future` and in `ActionForm`). Run to its end, the stream disposes
/// the owner only after every `Suspense` has resolved. The cost is the rest of one render
/// for a client that left.
async fn pages_render_to_the_end(req: Request, next: Next) -> Response {
    use futures::StreamExt;

    let res = next.run(req).await;
    if !is_html(&res) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, axum::Error>>(16);
    tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        let mut listening = true;
        while let Some(chunk) = stream.next().await {
            if listening && tx.send(chunk).await.is_err() {
                listening = false;
            }
        }
    });
    // `poll_recv` may be called again after the end (the compression layer does).
    let mut rx = rx;
    let forwarded = futures::stream::poll_fn(move |cx| rx.poll_recv(cx));
    Response::from_parts(parts, Body::from_stream(forwarded))
}

async fn private_pages_not_stored(req: Request, next: Next) -> Response {
    let signed_in = cookie(&req, app::domain::sessions::COOKIE).is_some();
    let mut res = next.run(req).await;
    if signed_in && is_html(&res) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Keeps what a failed no-JS form submit typed out of URLs (domain/flash.rs). Leptos
/// answers such a submit with a redirect back whose query carries the whole error
/// (`__err`, with the member's input) and the function (`__path`): here those move into a
/// server-side flash, named only by a short-lived HttpOnly cookie, and the redirect keeps
/// just the page. A page request never takes `__err`/`__path` from its own address (a
/// crafted link renders nothing of the attacker's); when its browser has a flash, the
/// server gives the render the flash's values instead, once.
async fn form_errors_off_the_url(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/api/") {
        let res = next.run(req).await;
        return flash_the_redirect(&state, res).await;
    }
    let page = matches!(*req.method(), Method::GET | Method::HEAD);
    if !page {
        return next.run(req).await;
    }
    let mut query: Vec<(String, String)> =
        form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .into_owned()
            .filter(|(k, _)| k != "__err" && k != "__path")
            .collect();
    let flash_id = cookie(&req, app::domain::flash::COOKIE);
    let mut took = false;
    if let Some(id) = flash_id.as_deref() {
        match app::domain::flash::take(&state.ctx.db, id).await {
            Ok(Some(f)) => {
                query.push(("__err".into(), f.err));
                query.push(("__path".into(), f.path));
                took = true;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(%e, "reading a form flash"),
        }
    }
    if let Ok(u) = with_query(&path, &query).parse() {
        *req.uri_mut() = u;
    }
    let mut res = next.run(req).await;
    if flash_id.is_some() {
        res.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_str(&format!(
                "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
                app::domain::flash::COOKIE
            ))
            .expect("a static cookie"),
        );
    }
    if took {
        // The page holds what the member typed.
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// `base` with `pairs` as its query string (none when there are no pairs).
fn with_query<I, K, V>(base: &str, pairs: I) -> String
where
    I: IntoIterator,
    I::Item: std::borrow::Borrow<(K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    if query.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{query}")
    }
}

/// The value of cookie `name` in the request, if sent.
fn cookie(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Moves a server function's `__err`/`__path` redirect query into a flash (see
/// [`form_errors_off_the_url`]).
async fn flash_the_redirect(state: &AppState, mut res: Response) -> Response {
    let Some(location) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        return res;
    };
    let Some((base, query)) = location.split_once('?') else {
        return res;
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let err = pairs
        .iter()
        .find(|(k, _)| k == "__err")
        .map(|(_, v)| v.clone());
    let Some(err) = err else {
        return res;
    };
    let fpath = pairs
        .iter()
        .find(|(k, _)| k == "__path")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let kept: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "__err" && k != "__path")
        .collect();
    let to = with_query(base, kept);
    let flash = app::domain::flash::Flash { err, path: fpath };
    match app::domain::flash::store(&state.ctx.db, &flash).await {
        Ok(id) => {
            let secure = if state.ctx.auth.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
                app::domain::flash::COOKIE,
                app::domain::flash::TTL_SECS
            )) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        // Without the flash the page shows no error; the input still never reaches a URL.
        Err(e) => tracing::warn!(%e, "storing a form flash"),
    }
    if let Ok(v) = HeaderValue::from_str(&to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// The largest request body a server function accepts. No form of ours comes near it (a
/// post is at most a few tens of KiB); anything larger is refused before it is parsed.
pub const MAX_API_BODY: usize = 2 * 1024 * 1024;

/// Answers a server-function request whose body exceeds [`MAX_API_BODY`] with 413 and a
/// typed error, whether or not it declared its length (a chunked body is read up to the
/// limit and no further).
async fn limit_api_body(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let too_large = || {
        let err = AppError::new(
            app::error::ErrorKind::TooLarge,
            "That request is larger than 2 MiB; nothing of it was saved.",
        );
        (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(err)).into_response()
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_API_BODY as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_API_BODY).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(),
    }
}

/// Whether the response is a page (HTML), by its content type.
fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Gives a page's redirect (to sign-in, or after a no-JS form) its 302 whatever the
/// request's `Accept` says. Leptos sets the status only when the request accepts
/// `text/html` and otherwise leaves a 200 with a `Location` for its own client, which is
/// right for server functions but wrong for a page: a crawler, `curl` or a proxy then
/// saw a 200 and an empty page where the README promises a redirect.
async fn page_redirect_status(req: Request, next: Next) -> Response {
    let page = !req.uri().path().starts_with("/api/")
        && matches!(*req.method(), Method::GET | Method::HEAD);
    let mut res = next.run(req).await;
    if page && res.status().is_success() && res.headers().contains_key(header::LOCATION) {
        *res.status_mut() = StatusCode::FOUND;
        res.headers_mut().remove("serverfnredirect");
    }
    res
}

/// Refuses state-changing requests that a browser marks as coming from another site:
/// `Sec-Fetch-Site: cross-site`, or an `Origin` whose host differs from `Host`.
async fn refuse_cross_site(req: Request, next: Next) -> Response {
    let changes_state = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && is_cross_site(&req) {
        // The typed error every form reads, as for any other refusal.
        let err = AppError::forbidden("Cross-site requests are not allowed.");
        return (StatusCode::FORBIDDEN, axum::Json(err)).into_response();
    }
    next.run(req).await
}

fn is_cross_site(req: &Request<Body>) -> bool {
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Non-browser clients send no Origin; browsers always do on cross-site POSTs.
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or("null");
    origin == "null" || !origin_host.eq_ignore_ascii_case(host)
}
