//! `/settings/verification`: a professional or organization asks to be verified (NPI, or a
//! licence with its issuing body, and the legal name on it) and sees where their request
//! stands; a verified member can change the legal name, which sends the badge to review.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use super::moderation::{Refused, settings_nav};
use crate::api::safety::{ChangeLegalName, SubmitVerification, my_verification};
use crate::components::field::{FieldError, FormAlert, FormErrors, TextField};
use crate::components::post::short_time;
use crate::model::{Role, VerificationStatus, VerificationView};

#[component]
pub fn VerificationPage() -> impl IntoView {
    let submit = ServerAction::<SubmitVerification>::new();
    let rename = ServerAction::<ChangeLegalName>::new();
    let state = Resource::new(|| (), |_| my_verification());
    view! {
        <Title text="Verification · Rounds"/>
        {settings_nav("/settings/verification")}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok((role, verified, latest)) => Either::Left(view! {
                        <section class="card" aria-labelledby="verify-h">
                            <h1 id="verify-h">"Verification"</h1>
                            <p>
                                "Verified professionals and organizations carry a badge wherever their name appears. Verified professionals also join and post in professionals-only communities, read posts for verified professionals, and propose misinformation labels; a verified organization does not. "
                                "The badge names what was checked, not you: it works under a pseudonym too."
                            </p>
                            <Status role verified latest=latest.clone()/>
                            {(role != Role::Patient && !verified && latest.as_ref().is_none_or(|l| l.status != VerificationStatus::Pending))
                                .then(|| view! { <RequestForm submit/> })}
                            {latest.filter(|l| matches!(l.status, VerificationStatus::Pending | VerificationStatus::Approved) && (verified || l.status == VerificationStatus::Pending))
                                .map(|l| view! { <LegalNameForm rename verified current=l.legal_name.unwrap_or_default()/> })}
                        </section>
                    }),
                    Err(e) => Either::Right(view! { <Refused error=e next="/settings/verification"/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Status(role: Role, verified: bool, latest: Option<VerificationView>) -> impl IntoView {
    let text = if verified {
        "You are verified.".to_string()
    } else if role == Role::Patient {
        "Patients have nothing to verify: your pseudonym and privacy settings are in your profile."
            .to_string()
    } else {
        match &latest {
            Some(l) if l.status == VerificationStatus::Pending => format!(
                "Your request of {} is waiting for a moderator. You will be notified.",
                short_time(&l.created_at)
            ),
            Some(l) if l.status == VerificationStatus::Rejected => format!(
                "Your last request was not approved: {}. You can submit a new one.",
                l.reason
            ),
            Some(l) if l.status == VerificationStatus::Revoked => format!(
                "Your badge was revoked: {}. You can submit a new request.",
                l.reason
            ),
            _ => "You are not verified yet.".to_string(),
        }
    };
    view! { <p class="alert" role="status">{text}</p> }
}

#[component]
fn RequestForm(submit: ServerAction<SubmitVerification>) -> impl IntoView {
    let errors = FormErrors(Signal::derive(move || {
        submit.value().get().and_then(Result::err)
    }));
    let method = errors.kept("method").unwrap_or_else(|| "npi".into());
    view! {
        <FormAlert message=errors.message()/>
        <ActionForm action=submit attr:novalidate=true>
            <fieldset class="field">
                <legend>"What can we check?"</legend>
                <div class="choice">
                    <input type="radio" id="f-method-npi" name="method" value="npi" checked=method == "npi"/>
                    <label for="f-method-npi">"US National Provider Identifier (NPI)"</label>
                </div>
                <div class="choice">
                    <input type="radio" id="f-method-license" name="method" value="license" checked=method == "license"/>
                    <label for="f-method-license">"Licence or registration number"</label>
                </div>
                <FieldError field="f-method" error=errors.on("method")/>
            </fieldset>
            <TextField name="npi" label="NPI (10 digits)" value=errors.kept("npi").unwrap_or_default()
                error=errors.on("npi") hint="Checked against the NPI check digit before a moderator sees it."/>
            <TextField name="license_number" label="Licence number" value=errors.kept("license_number").unwrap_or_default()
                error=errors.on("license_number")/>
            <TextField name="issuer" label="Issuing body and jurisdiction" value=errors.kept("issuer").unwrap_or_default()
                error=errors.on("issuer") hint="For example “General Medical Council (UK)” or “Texas Board of Nursing”."/>
            <TextField name="legal_name" label="Legal name on the credential" value=errors.kept("legal_name").unwrap_or_default()
                error=errors.on("legal_name") autocomplete="name" maxlength=200
                hint="Private: only site moderators see it, to check it against the registry. It never appears on your profile or posts, so you can keep posting under a pseudonym."/>
            <button type="submit" class="button" disabled=move || submit.pending().get()>"Ask to be verified"</button>
        </ActionForm>
    }
}

/// The legal name on file, and a form to change it. For a verified member the change
/// takes the badge away until a moderator checks the credential under the new name: the
/// button says so before it is pressed.
#[component]
fn LegalNameForm(
    rename: ServerAction<ChangeLegalName>,
    verified: bool,
    current: String,
) -> impl IntoView {
    let errors = FormErrors(Signal::derive(move || {
        rename.value().get().and_then(Result::err)
    }));
    let value = errors.kept("legal_name").unwrap_or_else(|| current.clone());
    let hint = if verified {
        "Private: only site moderators see it. Changing it removes your badge until a moderator checks your credential under the new name."
    } else {
        "Private: only site moderators see it. Your waiting request will carry the new name."
    };
    view! {
        <h2>"Legal name"</h2>
        <FormAlert message=errors.message()/>
        <ActionForm action=rename attr:novalidate=true>
            <TextField name="legal_name" label="Legal name on the credential" value
                error=errors.on("legal_name") autocomplete="name" maxlength=200 hint/>
            <button type="submit" class="button" disabled=move || rename.pending().get()>
                {if verified { "Change legal name and send badge to review" } else { "Change legal name" }}
            </button>
        </ActionForm>
    }
}
