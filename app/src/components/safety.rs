//! Trust-and-safety pieces used on several pages: the PHI review inside a composer, the
//! report form, the misinformation label form, and the notices and labels on content.

use leptos::prelude::*;

use super::field::{FormErrors, island_result, returned_error};
use crate::api::safety::{ProposeLabel, ReportItem};
use crate::error::AppError;
use crate::model::{MisinfoLabel, ModNotice, ModState, PhiFinding, ReportReason};

/// The text split into plain and flagged parts; None if the offsets do not fit the text
/// (then only the list is shown): findings out of order, reversed, past the end or off a
/// character boundary never panic the render, whoever crafted them.
pub(crate) fn marked(text: &str, findings: &[PhiFinding]) -> Option<Vec<(String, bool)>> {
    let mut parts = Vec::new();
    let mut at = 0;
    for f in findings {
        if f.start < at
            || f.start > f.end
            || f.end > text.len()
            || !text.is_char_boundary(f.start)
            || !text.is_char_boundary(f.end)
        {
            return None;
        }
        parts.push((text[at..f.start].to_string(), false));
        parts.push((text[f.start..f.end].to_string(), true));
        at = f.end;
    }
    parts.push((text[at..].to_string(), false));
    Some(parts)
}

/// After a submit the PHI guard stopped: the flagged spans, highlighted in the text of
/// each field they are in, and the explicit confirmation that lets the author go ahead.
/// Placed inside the form, so the confirmation is submitted with the next attempt (with
/// or without JavaScript). `fields` names a form's free-text fields (name, label) when it
/// has more than one; a finding without a field is in `body`.
#[component]
pub fn PhiReview(
    errors: FormErrors,
    #[prop(into)] id: String,
    #[prop(optional)] fields: &'static [(&'static str, &'static str)],
    /// What confirming does: "Publish" (the default), "Send", "Save".
    #[prop(optional)]
    verb: Option<&'static str>,
) -> impl IntoView {
    move || {
        let e: AppError = errors.0.get().filter(|e| !e.phi.is_empty())?;
        let title_id = format!("{id}-phi");
        let labelled_by = title_id.clone();
        let box_id = format!("{id}-confirm");
        let box_for = box_id.clone();
        let verb = verb.unwrap_or("Publish");
        Some(view! {
            <div class="phi-review" role="group" aria-labelledby=labelled_by>
                <p id=title_id class="phi-title"><strong>"Check for details that could identify a patient"</strong></p>
                <div class="phi-found" inner_html=review_html(&e, fields)></div>
                <div class="field choice">
                    <input type="checkbox" id=box_id name="confirm_phi" value="on"/>
                    <label for=box_for>
                        {verb} " anyway: these details do not identify a patient, or the patient agreed to share them. (Your confirmation is recorded.)"
                    </label>
                </div>
            </div>
        })
    }
}

/// The findings of `e`, grouped by field: each field's label, its text with the flagged
/// spans in `<mark>`, and the list of what was found. Written as escaped HTML rather than
/// as a view tree: the review is drawn in several islands, and one string builder costs
/// the bundle far less than a typed view of nested lists.
pub(crate) fn review_html(e: &AppError, fields: &[(&str, &str)]) -> String {
    use html_escape::encode_text as esc;
    let mut groups: Vec<(&str, Vec<PhiFinding>)> = Vec::new();
    for f in &e.phi {
        let field = if f.field.is_empty() {
            "body"
        } else {
            f.field.as_str()
        };
        match groups.iter_mut().find(|(name, _)| *name == field) {
            Some((_, list)) => list.push(f.clone()),
            None => groups.push((field, vec![f.clone()])),
        }
    }
    let mut html = String::new();
    for (field, list) in groups {
        if let Some((_, label)) = fields.iter().find(|(name, _)| *name == field) {
            html += &format!("<p class=\"phi-field\"><strong>{}</strong></p>", esc(label));
        }
        let text = e
            .kept
            .get(field)
            .map(|b| b.trim().replace("\r\n", "\n"))
            .unwrap_or_default();
        if let Some(parts) = marked(&text, &list) {
            html += "<p class=\"phi-text\">";
            for (t, flagged) in parts {
                if flagged {
                    html += &format!("<mark>{}</mark>", esc(&t));
                } else {
                    html += &esc(&t);
                }
            }
            html += "</p>";
        }
        html += "<ul class=\"phi-list\">";
        for f in list {
            html += &format!("<li>{}: <q>{}</q></li>", f.kind.label(), esc(&f.text));
        }
        html += "</ul>";
    }
    html
}

/// "Report": a reason and a note, sent to the moderators. A plain form without
/// JavaScript; an island after it (the answer shows in place).
#[component]
pub fn ReportForm(
    /// "post", "comment" or "member".
    kind: &'static str,
    /// The post or comment id, or the member's handle.
    #[prop(into)]
    item: String,
    /// What is being reported, for the accessible name ("this post").
    #[prop(into)]
    what: String,
) -> impl IntoView {
    // Only the form that was sent shows a returned error.
    let initial = returned_error::<ReportItem>().filter(|e| e.kept.get("item") == Some(&item));
    view! { <ReportFormIsland kind=kind.to_string() item what initial/> }
}

#[island]
fn ReportFormIsland(
    kind: String,
    item: String,
    what: String,
    initial: Option<AppError>,
) -> impl IntoView {
    let action = ServerAction::<ReportItem>::new();
    let result = island_result(action, initial);
    let errors = FormErrors::from_result(result);
    let id = format!("report-{kind}-{item}");
    let note_id = format!("{id}-note");
    let reason_id = format!("{id}-reason");
    let status_id = format!("{id}-status");
    let kept_note = errors.kept("note").unwrap_or_default();
    let kept_reason = errors.kept("reason");
    view! {
        <details class="report" open=errors.0.get_untracked().is_some()>
            <summary class="small">"Report " {what.clone()}</summary>
            <ActionForm action=action attr:class="report-form" attr:novalidate=true>
                <input type="hidden" name="kind" value=kind/>
                <input type="hidden" name="item" value=item/>
                <div class="field">
                    <label for=reason_id.clone()>"Why are you reporting " {what.clone()} "?"</label>
                    <select id=reason_id name="reason">
                        {ReportReason::ALL.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=kept_reason.as_deref() == Some(r.as_str())>{r.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=note_id.clone()>"Anything moderators should know (optional)"</label>
                    <textarea id=note_id name="note" rows="2" maxlength="1000">{kept_note}</textarea>
                </div>
                <PhiReview errors id=id.clone() verb="Send"/>
                <button type="submit" class="button button-small" disabled=move || action.pending().get()>"Send report"</button>
                <p id=status_id role="status" aria-live="polite" class="small">
                    {move || match result.get() {
                        Some(Ok(())) => Some(("ok", "Thanks. Moderators will review it and tell you the outcome.".to_string())),
                        Some(Err(e)) => Some(("field-error", e.message)),
                        None => None,
                    }.map(|(class, text)| view! { <span class=class>{text}</span> })}
                </p>
            </ActionForm>
        </details>
    }
}

/// Proposing (verified professionals) or attaching (moderators) a misinformation label.
#[component]
pub fn LabelForm(#[prop(into)] post: String, moderator: bool) -> impl IntoView {
    let initial = returned_error::<ProposeLabel>();
    view! { <LabelFormIsland post moderator initial/> }
}

#[island]
fn LabelFormIsland(post: String, moderator: bool, initial: Option<AppError>) -> impl IntoView {
    let action = ServerAction::<ProposeLabel>::new();
    let result = island_result(action, initial);
    let errors = FormErrors::from_result(result);
    let (summary, button, done) = if moderator {
        (
            "Add a misinformation label",
            "Add label",
            "Label added: readers now see it above the post.",
        )
    } else {
        (
            "Propose a misinformation label",
            "Propose label",
            "Thanks. A moderator will review your proposal.",
        )
    };
    view! {
        <details class="label-form" open=errors.0.get_untracked().is_some()>
            <summary class="small">{summary}</summary>
            <ActionForm action=action attr:novalidate=true>
                <input type="hidden" name="post" value=post/>
                <div class="field">
                    <label for="f-label-note">"What is wrong or misleading (shown to readers)"</label>
                    <textarea id="f-label-note" name="note" rows="2" maxlength="500"
                        aria-describedby="f-label-note-error">{errors.kept("note").unwrap_or_default()}</textarea>
                    <super::field::FieldError field="f-label-note" error=errors.on("note")/>
                </div>
                <div class="field">
                    <label for="f-label-evidence">"Evidence: DOI, PubMed ID or link, one per line"</label>
                    <textarea id="f-label-evidence" name="evidence" rows="2"
                        aria-describedby="f-label-evidence-error">{errors.kept("evidence").unwrap_or_default()}</textarea>
                    <super::field::FieldError field="f-label-evidence" error=errors.on("evidence")/>
                </div>
                <PhiReview errors id="label" verb=if moderator { "Publish" } else { "Send" }/>
                <button type="submit" class="button button-small">{button}</button>
                <p role="status" aria-live="polite" class="small">
                    {move || match result.get() {
                        Some(Ok(())) => Some(("ok", done.to_string())),
                        Some(Err(e)) if e.field.is_none() => Some(("field-error", e.message)),
                        _ => None,
                    }.map(|(class, text)| view! { <span class=class>{text}</span> })}
                </p>
            </ActionForm>
        </details>
    }
}

/// What moderators did to a post or comment, in place of (or above) its content.
#[component]
pub fn ModerationNotice(notice: ModNotice) -> impl IntoView {
    let what = if notice.state == ModState::Removed {
        "Removed by moderators"
    } else {
        "Hidden by moderators"
    };
    view! {
        <div class="mod-notice" role="note">
            <p><strong>{what}</strong> {(!notice.reason.is_empty()).then(|| format!(": {}", notice.reason))}</p>
        </div>
    }
}

/// A misinformation label above a post, with its evidence.
#[component]
pub fn MisinfoNotice(label: MisinfoLabel) -> impl IntoView {
    view! {
        <aside class="misinfo" aria-label="Misinformation label">
            <p><strong>"Misleading: "</strong> {label.note}</p>
            <p class="small">
                "Evidence: "
                {label.evidence.into_iter().enumerate().map(|(i, href)| view! {
                    {(i > 0).then_some(", ")}
                    <a href=href.clone() rel="nofollow noopener noreferrer">
                        {href.trim_start_matches("https://").trim_start_matches("http://").to_string()}
                    </a>
                }).collect_view()}
            </p>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::{marked, review_html};
    use crate::error::AppError;
    use crate::model::{PhiFinding, PhiKind};

    fn finding(start: usize, end: usize) -> PhiFinding {
        PhiFinding {
            kind: PhiKind::Phone,
            start,
            end,
            text: String::new(),
            field: String::new(),
        }
    }

    /// Whatever offsets a finding carries (a forged or stale error can carry any), the
    /// split never panics: offsets that do not fit the text give None.
    #[test]
    fn findings_that_do_not_fit_the_text_never_panic() {
        let text = "call 555-0100 née Zoë";
        assert!(marked(text, &[finding(5, 13)]).is_some());
        for bad in [(9, 2), (0, 99), (16, 18), (5, 13)] {
            let twice = [finding(5, 13), finding(bad.0, bad.1)];
            assert!(marked(text, &twice).is_none(), "{bad:?}");
        }
        for start in 0..=text.len() + 2 {
            for end in 0..=text.len() + 2 {
                let _ = marked(text, &[finding(start, end)]);
            }
        }
    }

    /// The review is written as HTML, so whatever the author typed must come back as
    /// text: a `<script>` in a post is shown, never run, in and around the marked spans.
    #[test]
    fn the_review_escapes_what_the_author_typed() {
        let body = "<b>call</b> 555-0100 & <script>x()</script>";
        let start = body.find("555").unwrap();
        let mut e = AppError::internal();
        e.kept.insert("body".into(), body.into());
        e.phi = vec![PhiFinding {
            text: "555-0100".into(),
            ..finding(start, start + 8)
        }];
        let html = review_html(&e, &[]);
        assert!(html.contains("<mark>555-0100</mark>"), "{html}");
        assert!(html.contains("&lt;script&gt;x()&lt;/script&gt;"), "{html}");
        assert!(
            html.contains("&lt;b&gt;call&lt;/b&gt;") && html.contains(" &amp; "),
            "{html}"
        );
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        e.phi[0].field = "bio".into();
        e.kept.insert("bio".into(), body.into());
        let html = review_html(&e, &[("bio", "About <you>")]);
        assert!(
            html.contains("<strong>About &lt;you&gt;</strong>"),
            "{html}"
        );
    }
}
