//! `/signup`: create an account as a professional, patient or organization.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::api::auth::SignUp;
use crate::components::field::{FieldError, FormAlert, FormErrors, TextField};
use crate::model::Role;
use crate::model::validate::{DISPLAY_NAME_MAX, HANDLE_MAX, PASSWORD_MAX, PASSWORD_MIN};

fn role_hint(role: Role) -> &'static str {
    match role {
        Role::Professional => {
            "Physicians, nurses, pharmacists, allied health and students. You can verify your credentials later."
        }
        Role::Patient => {
            "Patients and caregivers. You may use a pseudonymous handle and hide your real name."
        }
        Role::Organization => {
            "Hospitals, clinics, pharmacies, labs and companies. Posts are labeled as organization content."
        }
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let errors = FormErrors(Signal::derive(move || {
        action.value().get().and_then(Result::err)
    }));
    let chosen = errors
        .kept("role")
        .unwrap_or_else(|| "professional".to_string());
    view! {
        <Title text="Join Rounds"/>
        <Meta name="description" content="Create your Rounds account as a healthcare professional, patient or organization."/>
        <section class="card narrow">
            <h1>"Join Rounds"</h1>
            <FormAlert message=errors.message()/>
            <ActionForm action=action attr:novalidate=true>
                <fieldset class="field" aria-describedby=move || errors.on("role").get().map(|_| "f-role-error")>
                    <legend>"I am joining as"</legend>
                    {Role::ALL
                        .into_iter()
                        .map(|role| {
                            let id = format!("role-{}", role.as_str());
                            view! {
                                <div class="choice">
                                    <input
                                        type="radio"
                                        id=id.clone()
                                        name="role"
                                        value=role.as_str()
                                        checked=chosen == role.as_str()
                                        aria-describedby=format!("{id}-hint")
                                    />
                                    <label for=id.clone()>{role.label()}</label>
                                    <p class="hint" id=format!("{id}-hint")>{role_hint(role)}</p>
                                </div>
                            }
                        })
                        .collect_view()}
                    <FieldError field="f-role" error=errors.on("role")/>
                </fieldset>
                <TextField
                    name="display_name"
                    label="Name to show"
                    value=errors.kept("display_name").unwrap_or_default()
                    error=errors.on("display_name")
                    autocomplete="name"
                    required=true
                    maxlength=DISPLAY_NAME_MAX
                    hint="Patients can hide this later and appear only by handle."
                />
                <TextField
                    name="handle"
                    label="Handle"
                    value=errors.kept("handle").unwrap_or_default()
                    error=errors.on("handle")
                    autocomplete="username"
                    required=true
                    maxlength=HANDLE_MAX
                    hint="Your address on Rounds, like @dr.kim: letters, digits, _ and ."
                />
                <TextField
                    name="email"
                    label="Email"
                    kind="email"
                    value=errors.kept("email").unwrap_or_default()
                    error=errors.on("email")
                    autocomplete="email"
                    required=true
                />
                <TextField
                    name="password"
                    label="Password"
                    kind="password"
                    error=errors.on("password")
                    autocomplete="new-password"
                    required=true
                    maxlength=PASSWORD_MAX
                    hint=format!("At least {PASSWORD_MIN} characters; a few unrelated words work well.")
                />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating your account…" } else { "Create account" }}
                </button>
            </ActionForm>
            <p>"Already a member? " <a href="/signin">"Sign in"</a></p>
        </section>
    }
}
