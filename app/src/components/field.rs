//! Form fields with a label, an optional hint and an error announced to assistive tech.

use leptos::prelude::*;

use crate::error::AppError;

/// The error of the last submit of a form, and helpers to read it per field.
#[derive(Clone, Copy)]
pub struct FormErrors(pub Signal<Option<AppError>>);

impl FormErrors {
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
            <FieldError name error/>
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
            <FieldError name error/>
        </div>
    }
}

/// The message under a field; empty when the field is fine.
#[component]
pub fn FieldError(name: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|m| view! { <p class="field-error" id=format!("f-{name}-error")>{m}</p> })
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
