//! Form fields with a label, an optional hint and an error announced to assistive tech.

use leptos::prelude::*;

use crate::error::AppError;
use leptos::server_fn::ServerFn;

/// A fresh idempotency key for a form that creates something (a post, a comment): made
/// at each server render, sent back unchanged by a retried or double-clicked submit, so
/// the server creates the thing once (`domain::idempotent_key`). Kept with the other
/// input when a submit fails, since nothing was created.
pub fn fresh_form_key() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::domain::new_key()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// The error a plain (no-JavaScript) submit of `S` came back with: leptos redirects back
/// with it in the query string and the router reads it on the server. Islands take it as
/// a prop, so the server and the browser render the same form.
pub fn returned_error<S>() -> Option<AppError>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    ServerAction::<S>::new()
        .value()
        .get_untracked()
        .and_then(Result::err)
}

/// An island's view of its action: `initial` (see [`returned_error`]) until the action
/// has answered once on this page, then its latest answer. Reading `action.value()`
/// directly would differ between server (which sees the URL's error) and browser.
pub fn island_result<S>(
    action: ServerAction<S>,
    initial: Option<AppError>,
) -> Signal<Option<Result<S::Output, AppError>>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        if action.version().get() == 0 {
            initial.clone().map(Err)
        } else {
            action.value().get()
        }
    })
}

/// The error of the last submit of a form, and helpers to read it per field.
#[derive(Clone, Copy)]
pub struct FormErrors(pub Signal<Option<AppError>>);

impl FormErrors {
    /// The error side of an island's result (see [`island_result`]).
    pub fn from_result<T>(result: Signal<Option<Result<T, AppError>>>) -> Self
    where
        T: Clone + Send + Sync + 'static,
    {
        FormErrors(Signal::derive(move || result.get().and_then(Result::err)))
    }
    /// The message for `field`, if the last error concerns it.
    pub fn on(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || self.0.get().and_then(|e| e.for_field(field)))
    }
    /// What the member had typed into `field` when the submit failed.
    pub fn kept(self, field: &'static str) -> Option<String> {
        self.0
            .get_untracked()
            .and_then(|e| e.kept.get(field).cloned())
    }
    /// The message of the last error, for the form's alert.
    pub fn message(self) -> Signal<Option<String>> {
        Signal::derive(move || self.0.get().map(|e| e.message))
    }
}

fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("f-{name}-hint"));
    }
    if error {
        ids.push(format!("f-{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled single-line input.
#[component]
pub fn TextField(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(into, default = String::new())] value: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let has_hint = hint.is_some();
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("f-{name}-hint")>{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                maxlength=maxlength
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=move || described_by(name, has_hint, error.get().is_some())
            />
            <FieldError field=format!("f-{name}") error/>
        </div>
    }
}

/// A labelled multi-line input.
#[component]
pub fn TextArea(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(into, default = String::new())] value: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = 4)] rows: u32,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let has_hint = hint.is_some();
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("f-{name}-hint")>{h}</p> })}
            <textarea
                id=id
                name=name
                rows=rows
                maxlength=maxlength
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=move || described_by(name, has_hint, error.get().is_some())
            >
                {value}
            </textarea>
            <FieldError field=format!("f-{name}") error/>
        </div>
    }
}

/// The message under a field; empty when the field is fine. Its id is the field's id
/// (`field`) with `-error` appended — what the field's `aria-describedby` names — so two
/// forms on one page (a moderation queue's cases, say) never share an id.
#[component]
pub fn FieldError(#[prop(into)] field: String, error: Signal<Option<String>>) -> impl IntoView {
    let id = format!("{field}-error");
    move || {
        error
            .get()
            .map(|m| view! { <p class="field-error" id=id.clone()>{m}</p> })
    }
}

/// A form-level message region, always present so screen readers announce changes.
#[component]
pub fn FormAlert(message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="form-alert" role="alert" aria-live="assertive">
            {move || message.get().map(|m| view! { <p class="alert alert-error">{m}</p> })}
        </div>
    }
}
