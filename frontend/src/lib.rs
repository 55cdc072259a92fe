//! The browser entry point. Rounds renders pages on the server and hydrates only its
//! islands (`#[island]` components: composer, reactions, relationship buttons, report
//! forms, "Load more"); the shell's loader walks the page and calls each island's
//! exported function after `hydrate()` has set up the reactive runtime.

// Links the app crate, whose `#[island]` components export their hydration functions.
#[allow(unused_imports)]
use app::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
