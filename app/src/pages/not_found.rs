//! The 404 page (HTTP 404 on the server).

use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the response status during server rendering; a no-op in the browser.
pub fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(_code)
    {
        opts.set_status(status);
    }
}

#[component]
pub fn NotFound(
    #[prop(into, default = "We could not find that page.".to_string())] message: String,
) -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Not found · Rounds"/>
        <section class="card narrow">
            <h1>"Not found"</h1>
            <p>{message}</p>
            <p><a href="/">"Go to the home page"</a></p>
        </section>
    }
}
