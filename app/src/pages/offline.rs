//! `/offline`: what the service worker shows when a page is not available offline. It is
//! precached at install, so it must not depend on who is signed in.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OfflinePage() -> impl IntoView {
    view! {
        <Title text="Offline · Rounds"/>
        <section class="card narrow offline" aria-labelledby="offline-h">
            <h1 id="offline-h">"You are offline"</h1>
            <p>
                "Rounds cannot reach the network right now, and this page was not saved on this device. "
                "Your feed, profiles and posts you opened recently can still be read; nothing you write is sent until you are back online."
            </p>
            <p><a class="button" href="">"Try again"</a></p>
            <p class="small"><a href="/">"Go to your saved feed"</a></p>
        </section>
    }
}
