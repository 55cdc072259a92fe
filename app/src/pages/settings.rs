//! `/settings/profile`: the owner edits their profile.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::profile::{UpdateProfile, my_profile};
use crate::components::field::{FieldError, FormAlert, FormErrors, TextArea, TextField};
use crate::components::safety::PhiReview;
use crate::error::ErrorKind;
use crate::model::taxonomy::{ORG_TYPES, SPECIALTIES};
use crate::model::validate::{
    BIO_MAX, CONFLICTS_MAX, DISPLAY_NAME_MAX, HEADLINE_MAX, SHORT_TEXT_MAX,
};
use crate::model::{ProfileDraft, Role};

#[component]
pub fn ProfileSettingsPage() -> impl IntoView {
    let draft = Resource::new(|| (), |_| my_profile());
    view! {
        <Title text="Edit profile · Rounds"/>
        {super::moderation::settings_nav("/settings/profile")}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match draft.await {
                    Ok((role, d)) => Either::Left(view! { <ProfileForm role draft=d/> }),
                    Err(e) if e.kind == ErrorKind::Unauthorized => Either::Right(Either::Left(view! {
                        <Redirect path="/signin?next=/settings/profile"/>
                    })),
                    Err(e) => Either::Right(Either::Right(view! {
                        <section class="card narrow"><h1>"Could not load your profile"</h1><p role="alert">{e.message}</p></section>
                    })),
                }
            })}
        </Suspense>
    }
}

/// The profile's free-text fields the PHI guard reads, as the form labels them.
const PROFILE_TEXT: &[(&str, &str)] = &[
    ("headline", "Headline"),
    ("bio", "About"),
    ("experience", "Experience"),
    ("skills", "Skills"),
    ("conflicts", "Conflict-of-interest disclosure"),
];

#[component]
fn ProfileForm(role: Role, draft: ProfileDraft) -> impl IntoView {
    let action = ServerAction::<UpdateProfile>::new();
    let errors = FormErrors(Signal::derive(move || {
        action.value().get().and_then(Result::err)
    }));
    // After a failed no-JS submit, show what the member typed rather than the saved profile.
    let v = move |field: &'static str, saved: &str| {
        errors.kept(field).unwrap_or_else(|| saved.to_string())
    };
    let specialty = v("specialty", &draft.specialty);
    let subspecialty = v("subspecialty", &draft.subspecialty);
    let org_type = v("org_type", &draft.org_type);
    view! {
        <section class="card">
            <h1>"Edit your profile"</h1>
            <FormAlert message=errors.message()/>
            <ActionForm action=action attr:novalidate=true>
                <TextField name="display_name" label="Name to show" value=v("display_name", &draft.display_name)
                    error=errors.on("display_name") required=true maxlength=DISPLAY_NAME_MAX autocomplete="name"/>
                {(role == Role::Patient).then(|| view! {
                    <div class="field choice">
                        <input type="checkbox" id="f-hide_real_name" name="hide_real_name" value="on"
                            checked=draft.hide_real_name aria-describedby="f-hide_real_name-hint"/>
                        <label for="f-hide_real_name">"Hide my name and show only my handle"</label>
                        <p class="hint" id="f-hide_real_name-hint">"Other members then see you only as @handle."</p>
                    </div>
                })}
                <TextField name="headline" label="Headline" value=v("headline", &draft.headline)
                    error=errors.on("headline") maxlength=HEADLINE_MAX
                    hint="One line, e.g. “Cardiac ICU nurse” or “Living well with type 1 diabetes”."/>
                {(role == Role::Professional).then(|| view! {
                    <div class="field">
                        <label for="f-specialty">"Specialty"</label>
                        <select id="f-specialty" name="specialty"
                            aria-invalid=move || if errors.on("specialty").get().is_some() { "true" } else { "false" }
                            aria-describedby=move || errors.on("specialty").get().map(|_| "f-specialty-error")>
                            <option value="" selected=specialty.is_empty()>"— None —"</option>
                            {SPECIALTIES.iter().map(|s| view! {
                                <option value=s.name selected=specialty == s.name>{s.name}</option>
                            }).collect_view()}
                        </select>
                        <FieldError field="f-specialty" error=errors.on("specialty")/>
                    </div>
                    <div class="field">
                        <label for="f-subspecialty">"Sub-specialty"</label>
                        <select id="f-subspecialty" name="subspecialty" aria-describedby=move || errors.on("subspecialty").get().map(|_| "f-subspecialty-error")
                            aria-invalid=move || if errors.on("subspecialty").get().is_some() { "true" } else { "false" }>
                            <option value="" selected=subspecialty.is_empty()>"— None —"</option>
                            {SPECIALTIES.iter().map(|s| view! {
                                <optgroup label=s.name>
                                    {s.subspecialties.iter().map(|sub| view! {
                                        <option value=*sub selected=subspecialty == *sub>{*sub}</option>
                                    }).collect_view()}
                                </optgroup>
                            }).collect_view()}
                        </select>
                        <FieldError field="f-subspecialty" error=errors.on("subspecialty")/>
                    </div>
                })}
                {(role == Role::Organization).then(|| view! {
                    <div class="field">
                        <label for="f-org_type">"Organization type"</label>
                        <select id="f-org_type" name="org_type" aria-describedby=move || errors.on("org_type").get().map(|_| "f-org_type-error")
                            aria-invalid=move || if errors.on("org_type").get().is_some() { "true" } else { "false" }>
                            <option value="" selected=org_type.is_empty()>"— Choose —"</option>
                            {ORG_TYPES.iter().map(|t| view! {
                                <option value=*t selected=org_type == *t>{*t}</option>
                            }).collect_view()}
                        </select>
                        <FieldError field="f-org_type" error=errors.on("org_type")/>
                    </div>
                })}
                <TextArea name="bio" label="About" value=v("bio", &draft.bio) error=errors.on("bio")
                    rows=5 maxlength=BIO_MAX/>
                <TextField name="workplace" label="Workplace" value=v("workplace", &draft.workplace)
                    error=errors.on("workplace") maxlength=SHORT_TEXT_MAX autocomplete="organization"/>
                <TextField name="location" label="Location" value=v("location", &draft.location)
                    error=errors.on("location") maxlength=SHORT_TEXT_MAX hint="City and region; never your street address."/>
                <TextArea name="experience" label="Experience" value=v("experience", &draft.experience)
                    error=errors.on("experience") rows=4
                    hint="One position per line: Title | Organization | Period (e.g. Staff nurse | City Hospital | 2018–2022)."/>
                <TextField name="skills" label="Skills" value=v("skills", &draft.skills) error=errors.on("skills")
                    hint="Separated by commas."/>
                <TextArea name="links" label="Publications and links" value=v("links", &draft.links)
                    error=errors.on("links") rows=3 hint="One per line: Title | https://…"/>
                <TextArea name="conflicts" label="Conflict-of-interest disclosure" value=v("conflicts", &draft.conflicts)
                    error=errors.on("conflicts") rows=3 maxlength=CONFLICTS_MAX
                    hint="Payments, grants, employment or holdings that readers should know about."/>
                <PhiReview errors id="profile" fields=PROFILE_TEXT verb="Save"/>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Save profile" }}
                </button>
            </ActionForm>
        </section>
    }
}
