//! `/signin`: sign in with email or handle and password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::SignIn;
use crate::components::field::{FormAlert, FormErrors, TextField};

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let errors = FormErrors(Signal::derive(move || {
        action.value().get().and_then(Result::err)
    }));
    let next = use_query_map()
        .get_untracked()
        .get("next")
        .unwrap_or_default();
    view! {
        <Title text="Sign in · Rounds"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <FormAlert message=errors.message()/>
            <ActionForm action=action attr:novalidate=true>
                <input type="hidden" name="next" value=next/>
                <TextField
                    name="login"
                    label="Email or handle"
                    value=errors.kept("login").unwrap_or_default()
                    error=errors.on("login")
                    autocomplete="username"
                    required=true
                />
                <TextField
                    name="password"
                    label="Password"
                    kind="password"
                    error=errors.on("password")
                    autocomplete="current-password"
                    required=true
                />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p>"New to Rounds? " <a href="/signup">"Create an account"</a></p>
        </section>
    }
}
