//! The PHI guard: finds likely patient identifiers (the HIPAA Safe Harbor kinds that turn
//! up in posts) in free text before it is published. Pure Rust — rules, word lists and
//! context words; no network and no model. It leans to recall: the author confirms a
//! false alarm with one click, while a miss publishes a patient's identifier.
//!
//! How it decides, per kind:
//! - **Format-only** kinds are matched by shape alone because clinical text never uses
//!   that shape for anything else: emails, US SSNs (`123-45-6789`, `XXX-XX-4821`), phone
//!   numbers (`(617) 555-0142`, `+44 20 7946 0958`, `0412 345 678`), IPv4/IPv6
//!   addresses, ZIP+4 codes, UK and Canadian postcodes, VINs, street addresses (number +
//!   street name + suffix).
//! - **Context** kinds need a cue word a few words before the value, because the same
//!   digits are often clinical: record/plan/account/licence/serial/plate numbers (`MRN
//!   4839201`, `member ID on her card: XJH4412093`, `reg KX19 ABC`), the last four of an
//!   SSN, bare 10-digit phones (`call 6175550142`), faxes (`fax:`, `(fax)`), 5-digit ZIPs
//!   (after a state, "ZIP" or a place word: `we're in 90210`), ages (only > 89, in digits
//!   or words: `92-year-old`, `she's 96`, `ninety-four`), dates (any
//!   day-precise date — never a year alone — unless its sentence is plainly about a
//!   publication, rule or event and names no person or personal event).
//! - **Names** come from titles and cues (Mr/Mrs, "patient", "my daughter", "Name on
//!   ID:", before ", a 45-year-old", handover order "Nguyen, Thi Lan") and from word
//!   lists of given names and surnames of many cultures ([`lexicon`]): a run of
//!   capitalised name words, a given name that is no English word ("Chidinma"), a
//!   lowercase given name and surname ("john smith") — but not after Dr/Prof, not before
//!   "et al." or an institution's words, and not disease eponyms.
//! - **URLs** are identifiers unless they point at reference sources (DOI, PubMed,
//!   journals, .gov/.edu/.int, major societies): a personal page, profile or fundraiser
//!   can identify a patient; a guideline link cannot.
//!
//! Clinical numbers — doses, lab values, vitals, ICD codes, DOIs/PMIDs, years, ages ≤ 89,
//! room numbers — match none of these rules by construction. `app/tests/phi.rs` measures
//! precision and recall per kind on labelled synthetic corpora.
//!
//! Over 600 lines on purpose: the rules are one pipeline over shared regexes and
//! dictionaries, read top to bottom; split, each kind's rule would lose sight of the
//! others it must not overlap.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::error::AppError;
use crate::model::{PhiFinding, PhiKind};

mod lexicon;

/// Runs the PHI guard on text about to be published: findings stop it unless the author
/// confirmed; returns the kinds confirmed (recorded with the post or comment).
pub fn guard_phi(field: &str, text: &str, confirmed: bool) -> Result<Vec<String>, AppError> {
    guard_fields(&[(field, text)], &FieldPolicy::default(), confirmed)
}

/// What a form's fields may contain without it being a patient's identifier: the
/// member's own name, workplace and the like (a professional's own hospital in their
/// profile, the recipient's name in a connection note), and kinds that are the member's
/// own published contact details there.
#[derive(Debug, Default, Clone)]
pub struct FieldPolicy<'a> {
    /// Words that are the member's own (or the addressee's): a finding inside one of
    /// them, compared without case, is not flagged.
    pub own: Vec<&'a str>,
    /// Kinds that are not flagged in these fields at all.
    pub allowed: Vec<PhiKind>,
    /// Kinds not flagged in one field only (career periods in a profile's experience).
    pub allowed_in: Vec<(&'a str, PhiKind)>,
}

/// The kinds that, in a professional's or organization's own profile or community, are
/// its published contact details rather than a patient's.
pub const CONTACT_KINDS: [PhiKind; 6] = [
    PhiKind::Phone,
    PhiKind::Fax,
    PhiKind::Email,
    PhiKind::Url,
    PhiKind::Address,
    PhiKind::Zip,
];

impl FieldPolicy<'_> {
    fn allows(&self, field: &str, f: &PhiFinding) -> bool {
        if self.allowed.contains(&f.kind) || self.allowed_in.contains(&(field, f.kind)) {
            return true;
        }
        let found = f.text.trim().to_lowercase();
        found.chars().count() >= 2
            && self
                .own
                .iter()
                .any(|own| own.to_lowercase().contains(found.as_str()))
    }
}

/// Runs the guard on each of a form's free-text `fields` (name, text): all findings of
/// all fields in one answer, each naming its field, so one confirmation covers what the
/// member was shown. Offsets are into the field's text trimmed and with `\r\n` as `\n`
/// (as the form shows it back). Returns the kinds confirmed.
pub fn guard_fields(
    fields: &[(&str, &str)],
    policy: &FieldPolicy<'_>,
    confirmed: bool,
) -> Result<Vec<String>, AppError> {
    let mut findings = Vec::new();
    for (field, text) in fields {
        let text = text.trim().replace("\r\n", "\n");
        findings.extend(
            scan(&text)
                .into_iter()
                .filter(|f| !policy.allows(field, f))
                .map(|f| PhiFinding {
                    field: field.to_string(),
                    ..f
                }),
        );
    }
    let Some(first) = findings.first() else {
        return Ok(Vec::new());
    };
    if !confirmed {
        return Err(AppError::phi(&first.field.clone(), findings));
    }
    let mut kinds: Vec<String> = findings
        .iter()
        .map(|f| f.kind.as_str().to_string())
        .collect();
    kinds.sort();
    kinds.dedup();
    Ok(kinds)
}

/// Scans `text` and returns the likely identifiers, in order, without overlaps. Offsets
/// are byte offsets into `text`.
pub fn scan(text: &str) -> Vec<PhiFinding> {
    let mut found: Vec<(PhiKind, usize, usize)> = Vec::new();
    let mut add = |kind: PhiKind, start: usize, end: usize| {
        if end > start {
            found.push((kind, start, end));
        }
    };
    for m in EMAIL.find_iter(text).chain(EMAIL_SPELLED.find_iter(text)) {
        add(PhiKind::Email, m.start(), m.end());
    }
    for m in URL.find_iter(text) {
        let url = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
        if !is_reference_url(url) {
            add(PhiKind::Url, m.start(), m.start() + url.len());
        }
    }
    for m in BARE_URL.find_iter(text) {
        let url = m.as_str();
        let host = url.split('/').next().unwrap_or("").to_ascii_lowercase();
        let in_email = text[..m.start()].ends_with('@');
        let personal_subdomain = PERSONAL_HOSTS
            .iter()
            .any(|h| host.ends_with(&format!(".{h}")) && !host.starts_with("www."));
        if !in_email && (url.contains('/') || personal_subdomain) && !is_reference_url(url) {
            add(PhiKind::Url, m.start(), m.end());
        }
    }
    for m in IPV4.find_iter(text).chain(IPV6.find_iter(text)) {
        // "build 10.3.2.1" is a version, not an address.
        if !VERSION_BEFORE.is_match(window_before(text, m.start(), 12)) {
            add(PhiKind::IpAddress, m.start(), m.end());
        }
    }
    for m in SSN.find_iter(text).chain(SSN_MASKED.find_iter(text)) {
        add(PhiKind::Ssn, m.start(), m.end());
    }
    for c in SSN_CONTEXT.captures_iter(text) {
        group(&c, 1, PhiKind::Ssn, &mut add);
    }
    for m in NATIONAL_ID.find_iter(text) {
        add(PhiKind::Ssn, m.start(), m.end());
    }
    for m in PHONE
        .find_iter(text)
        .chain(PHONE_INTL.find_iter(text))
        .chain(PHONE_NATIONAL.find_iter(text))
    {
        // Toll-free numbers belong to organizations (poison control, pharmacies).
        if TOLL_FREE.is_match(m.as_str()) {
            continue;
        }
        let kind = if FAX_BEFORE.is_match(window_before(text, m.start(), 64))
            || FAX_AFTER.is_match(&text[m.end()..])
        {
            PhiKind::Fax
        } else {
            PhiKind::Phone
        };
        add(kind, m.start(), m.end());
    }
    for c in PHONE_CONTEXT.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
        // "call 6175550142", "rang from 600-555-019", "fax (22 555 01 90)"; a dose or a
        // time after "call" has fewer digits, and a dotted date is judged as a date.
        if !(8..=13).contains(&digits)
            || DATES[0].is_match(m.as_str())
            || TOLL_FREE.is_match(m.as_str())
        {
            continue;
        }
        let kind = if FAX_BEFORE.is_match(window_before(text, m.start(), 64))
            || FAX_AFTER.is_match(&text[m.end()..])
        {
            PhiKind::Fax
        } else {
            PhiKind::Phone
        };
        add(kind, m.start(), m.end());
    }
    // One value may follow several cues ("records show pacemaker serial PX1234"): the
    // nearest cue names its kind.
    let mut cued_ids: Vec<(PhiKind, usize, usize, usize)> = Vec::new();
    for (kind, re) in ID_CONTEXTS.iter() {
        for c in re.captures_iter(text) {
            let (Some(between), Some(id)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let s = id.as_str();
            // Words of the sentence between cue and value ("case number with county
            // services is …") ask for a value shaped like an identifier, not a lab value
            // or a count ("in this case the sodium was 1200").
            let far = WORD
                .find_iter(between.as_str())
                .any(|w| !ID_FILLERS.contains(&w.as_str().to_lowercase().as_str()));
            let shaped = !far || looks_like_coded_id(s);
            // "with Kaiser since 16-09-2023": a date, judged by the date rules.
            let date = DATES[..2].iter().any(|d| {
                d.find(s)
                    .is_some_and(|m| m.start() == 0 && m.end() == s.len())
            });
            // An ICD-10 code ("E11.9", "10-CM") is no device's serial.
            let code = *kind == PhiKind::Device && (s.contains('.') || s.starts_with("10-"));
            if shaped
                && !date
                && !code
                && !QUANTITY_AFTER.is_match(&text[id.end()..])
                && (looks_like_id(s) || (*kind == PhiKind::Device && looks_like_serial(s)))
            {
                cued_ids.push((*kind, id.start(), id.end(), between.len()));
            }
        }
    }
    for &(kind, start, end, distance) in &cued_ids {
        let nearer = cued_ids
            .iter()
            .any(|&(_, s, e, d)| s < end && start < e && d < distance);
        if !nearer {
            add(kind, start, end);
        }
    }
    for c in SLASHED_ID.captures_iter(text) {
        group(&c, 1, PhiKind::MedicalRecord, &mut add);
    }
    for m in BARE_ID.find_iter(text) {
        let before = window_before(text, m.start(), 16);
        // Inside a link or a longer code ("/33301246/", "NCT04280705"): not bare.
        let in_code = before.ends_with(['/', '=', '.', '-', '_', '#', '?', '&'])
            || REFERENCE_PREFIX.is_match(m.as_str());
        if in_code {
            continue;
        }
        let phone = m.as_str().starts_with('0') || PHONE_CUE_BEFORE.is_match(before);
        if !phone && !REFERENCE_ID_BEFORE.is_match(before) && !COMPACT_DATE.is_match(m.as_str()) {
            add(PhiKind::MedicalRecord, m.start(), m.end());
        }
    }
    for c in VEHICLE_CONTEXT.captures_iter(text) {
        if let Some(plate) = c.get(1)
            && looks_like_plate(plate.as_str())
        {
            add(PhiKind::Vehicle, plate.start(), plate.end());
        }
    }
    for m in VIN.find_iter(text) {
        let s = m.as_str();
        if s.bytes().filter(u8::is_ascii_digit).count() >= 3
            && s.bytes().filter(u8::is_ascii_alphabetic).count() >= 3
        {
            add(PhiKind::Vehicle, m.start(), m.end());
        }
    }
    let lower_addresses = ADDRESS_LOWER
        .find_iter(text)
        .filter(|m| !DISTANCE_WORDS.is_match(m.as_str()));
    let abroad = ADDRESSES_ABROAD.iter().flat_map(|re| re.find_iter(text));
    for m in ADDRESS
        .find_iter(text)
        .chain(lower_addresses)
        .chain(abroad)
        .chain(PO_BOX.find_iter(text))
    {
        add(PhiKind::Address, m.start(), m.end());
        // "2207 Marigold Court, 85016", "Apt 3C, 21217", "Ipswich QLD 4305", "14 Rue
        // des Lilas, 69003 Lyon": the postal code that follows an address.
        if let Some(c) = ZIP_AFTER_ADDRESS.captures(&text[m.end()..])
            && let Some(z) = c.get(1)
            && !QUANTITY_AFTER.is_match(&text[m.end() + z.end()..])
        {
            add(PhiKind::Zip, m.end() + z.start(), m.end() + z.end());
        }
    }
    for c in LIVES_ON.captures_iter(text) {
        group(&c, 1, PhiKind::Address, &mut add);
    }
    for m in ZIP4.find_iter(text) {
        // "DIB-44718-2209": part of a longer code, judged by the identifier rules.
        if !window_before(text, m.start(), 1).ends_with(|c: char| c == '-' || c.is_alphanumeric()) {
            add(PhiKind::Zip, m.start(), m.end());
        }
    }
    for c in ZIP_CONTEXT.captures_iter(text) {
        if let Some(m) = c.get(1).or_else(|| c.get(2)) {
            add(PhiKind::Zip, m.start(), m.end());
        }
    }
    for c in ZIP_CUED.captures_iter(text) {
        if let Some(m) = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)) {
            add(PhiKind::Zip, m.start(), m.end());
        }
    }
    for c in ZIP_PLACE.captures_iter(text) {
        if let Some(m) = c.get(1)
            && !QUANTITY_AFTER.is_match(&text[m.end()..])
        {
            add(PhiKind::Zip, m.start(), m.end());
        }
    }
    for m in POSTCODE.find_iter(text) {
        // "GCS E3V4M6": eyes, voice and motor, not a Canadian postcode.
        if !GCS.is_match(m.as_str()) {
            add(PhiKind::Zip, m.start(), m.end());
        }
    }
    for re in AGES.iter() {
        for c in re.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            // "temp 101F" is a temperature, not a 101-year-old woman.
            if c[1].parse::<u32>().is_ok_and(|age| age > 89)
                && !TEMPERATURE_BEFORE.is_match(window_before(text, m.start(), 16))
            {
                add(PhiKind::Age, m.start(), m.end());
            }
        }
    }
    for m in AGE_WORDS.find_iter(text) {
        add(PhiKind::Age, m.start(), m.end());
    }
    for c in AGE_PLAIN.captures_iter(text) {
        let Some(m) = (1..=5).find_map(|i| c.get(i)) else {
            continue;
        };
        let Some(whole) = c.get(0) else { continue };
        if age_value(m.as_str()).is_some_and(|age| (90..=125).contains(&age))
            && !NOT_AN_AGE_AFTER.is_match(&text[m.end()..])
            && !TEMPERATURE_BEFORE.is_match(window_before(text, m.start(), 24))
            && !MEASURE_BEFORE.is_match(window_before(text, whole.start(), 40))
        {
            add(PhiKind::Age, m.start(), m.end());
        }
    }
    let name_spans = names(text);
    dates(text, &name_spans, &mut add);
    for (start, end) in name_spans {
        add(PhiKind::Name, start, end);
    }
    resolve(text, found)
}

/// Keeps the first-starting, then longest, then most specific finding of any overlap.
fn resolve(text: &str, mut found: Vec<(PhiKind, usize, usize)>) -> Vec<PhiFinding> {
    found.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then(b.2.cmp(&a.2))
            .then(a.0.priority().cmp(&b.0.priority()))
    });
    let mut kept: Vec<(PhiKind, usize, usize)> = Vec::new();
    for f in found {
        match kept.last_mut() {
            Some(last) if f.1 < last.2 => {
                // Overlap: a more specific kind that covers at least as much wins.
                if f.0.priority() < last.0.priority() && f.2 >= last.2 {
                    *last = f;
                }
            }
            _ => kept.push(f),
        }
    }
    kept.into_iter()
        .map(|(kind, start, end)| PhiFinding {
            kind,
            start,
            end,
            text: text[start..end].to_string(),
            field: String::new(),
        })
        .collect()
}

fn group(c: &Captures<'_>, i: usize, kind: PhiKind, add: &mut impl FnMut(PhiKind, usize, usize)) {
    if let Some(m) = c.get(i) {
        add(kind, m.start(), m.end());
    }
}

/// Up to `n` bytes of `text` before `at`, cut at a character boundary.
fn window_before(text: &str, at: usize, n: usize) -> &str {
    let mut from = at.saturating_sub(n);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    &text[from..at]
}

/// An identifier after a cue word has digits in it (so "MRN on file" is not one), and is
/// not a year ("insurance for 2024").
fn looks_like_id(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let year = s.len() == 4 && digits == 4 && (s.starts_with("19") || s.starts_with("20"));
    s.len() >= 4 && digits >= 3 && !year
}

/// The words that may stand between an identifier's cue and its value without making it
/// far: "MRN is …", "member ID on her card: …", "account ending in …".
const ID_FILLERS: &[&str] = &[
    "number", "num", "no", "id", "is", "was", "of", "on", "for", "in", "the", "his", "her",
    "their", "my", "card", "says", "reads", "ending", "ends", "starting", "starts", "with",
];

/// An identifier's shape: digits with letters or separators ("DIB-44718-2209",
/// "91827364B", "LEFM 2501 2714"), or six digits and more; not a decimal.
fn looks_like_coded_id(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let letters = s.bytes().filter(u8::is_ascii_alphabetic).count();
    let separators = s
        .bytes()
        .filter(|b| matches!(b, b'-' | b'/' | b' '))
        .count();
    !s.contains('.') && digits >= 3 && (letters > 0 || separators > 0 || digits >= 6)
}

/// A number plate after its cue: letters and digits, at least one digit ("7ABC123",
/// "KX19 ABC"), and not a year.
fn looks_like_plate(s: &str) -> bool {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let digits = compact.bytes().filter(u8::is_ascii_digit).count();
    let letters = compact.bytes().filter(u8::is_ascii_uppercase).count();
    compact.len() >= 4
        && compact.len() <= 10
        && digits >= 1
        && (letters >= 1 || digits >= 5)
        && compact
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A long number with no cue — a record number pasted alone ("Okafor / 4471203 / adm
/// …"): seven to twelve digits, perhaps after a short letter prefix ("F5520014",
/// "RM22-019883"). Clinical text writes no such number bare, and a phone number of that
/// length is caught as a phone first when its shape says so.
static BARE_ID: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:[A-Z]{1,4}\d{0,3}[-/]?)?\d{7,12}\b"));

/// A record number as a field of a handover line: "Niamh / RM22-019883 / adm …".
static SLASHED_ID: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|\s)/\s+([A-Z]{1,4}\d{0,3}-?\d{5,12})\s+/"));

/// Cues of reference numbers, which identify a paper, trial or product, not a person.
static REFERENCE_ID_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:pmid|pmcid|pmc|nct|doi|isbn|issn|orcid|npi|gmc|nmc|lot|batch|ndc|isrctn|eudract|ref|version|v)\s*[:#]?\s*$|[$£€₹₦]\s*$",
    )
});

/// Words before a number that make it a phone's (judged by the phone rules).
static PHONE_CUE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:{PHONE_CUES}|whatsapp|number|no|ring|reach \w+ (?:at|on))\b[^\d\n]*$"
    ))
});

/// The words that say a phone (or fax) number follows.
const PHONE_CUES: &str = "call|phone|tel|telephone|cell|mobile|text|fax|pager";

/// Registry prefixes of trials and papers: "NCT04280705", "PMC7745181".
static REFERENCE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:NCT|PMC|PMID|ISRCTN|CTRI|ACTRN|DRKS|ISBN|DOI)"));

/// "20240314": a date, judged as one.
static COMPACT_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$"));

/// A number plate after a vehicle word, in capitals and digits with spaces or dashes
/// inside: "reg KX19 ABC", "parked KCF 884Q across the bay", "plate MH 12 AB 4567".
static VEHICLE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:\b(?:licen[cs]e plate|number plate|plates?|tags?|reg(?:istration)?|vin|vehicle identification number|vehicle|car|van|truck|lorry|minibus|bus|motorbike|motorcycle|taxi|parked|permit for))\b(?i:\s*(?:number|no\.?|#|is|was|of|on|for|the|a|with|reads|says|reg|:|-|,|\())*\s*([A-Z0-9]{1,10}(?:[ -][A-Z0-9]{1,5}){0,3})\b",
    )
});

/// A device serial after its cue may be short and mostly letters ("transmitter ID 8G4KQ2").
fn looks_like_serial(s: &str) -> bool {
    s.len() >= 5
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_uppercase())
}

/// Compiles a rule. Word boundaries are ASCII ones: a Unicode `\b` makes the regex
/// engine leave its fast DFA for a slow one at the first non-ASCII character (an accent,
/// an emoji), which tripled the time per post; names in other scripts are matched by
/// their letter classes (`\p{Lu}\p{Ll}+`), not by the boundary.
fn re(pattern: &str) -> Regex {
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).expect("PHI pattern compiles")
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b"));

/// "name at example dot com", written to dodge scrapers — still an address.
static EMAIL_SPELLED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b[a-z0-9._%+-]+\s*(?:\bat\b|\[at\]|\(at\))\s*[a-z0-9-]+\s*(?:\bdot\b|\[dot\]|\(dot\))\s*(?:com|org|net|edu|gov|co|uk|de|fr|io|info|me|us|ca|au)\b",
    )
});

static URL: LazyLock<Regex> = LazyLock::new(|| re(r#"(?i)\b(?:https?://|www\.)[^\s<>\[\]"'`]+"#));

/// A link written without a scheme: a host with a path ("instagram.com/brave.leo",
/// "caringbridge.org/visit/x") or a personal subdomain of a blog or shop host
/// ("quietrecovery.blogspot.com"). An email's domain is not one (its `@` is checked).
static BARE_URL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|me|co|info|blog|uk|ca|au|in|ng|ke|za|ie|nz|ph|de|fr|es|it|nl|pl|br|mx|ly|ee|tv|page|site|app)(?:/[^\s<>\[\]"'`]*[^\s<>\[\]"'`.,;:!?)])?"#,
    )
});

/// Hosts where a subdomain alone is someone's page.
const PERSONAL_HOSTS: &[&str] = &[
    "blogspot.com",
    "wordpress.com",
    "tumblr.com",
    "substack.com",
    "wixsite.com",
    "weebly.com",
    "squarespace.com",
    "etsy.com",
    "medium.com",
    "github.io",
    "carrd.co",
    "linktr.ee",
];

/// Hosts of reference material: linking to them identifies nobody.
const REFERENCE_HOSTS: &[&str] = &[
    "doi.org",
    "pubmed.ncbi.nlm.nih.gov",
    "ncbi.nlm.nih.gov",
    "clinicaltrials.gov",
    "who.int",
    "nejm.org",
    "thelancet.com",
    "jamanetwork.com",
    "bmj.com",
    "nature.com",
    "sciencedirect.com",
    "springer.com",
    "wiley.com",
    "cochranelibrary.com",
    "cochrane.org",
    "nice.org.uk",
    "nhs.uk",
    "uptodate.com",
    "ahajournals.org",
    "heart.org",
    "acc.org",
    "diabetesjournals.org",
    "diabetes.org",
    "cancer.org",
    "cancer.gov",
    "idsociety.org",
    "acog.org",
    "aap.org",
    "aafp.org",
    "acponline.org",
    "uspreventiveservicestaskforce.org",
    "medrxiv.org",
    "biorxiv.org",
    "arxiv.org",
    "wikipedia.org",
    "escardio.org",
    "kdigo.org",
    "ginasthma.org",
    "goldcopd.org",
    "rounds.example",
];

fn is_reference_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()
        .unwrap_or("")
        .trim_start_matches("www.");
    host.ends_with(".gov")
        || host.ends_with(".edu")
        || host.ends_with(".int")
        || REFERENCE_HOSTS
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

static IPV4: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b")
});

static IPV6: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?\b",
    )
});

static VERSION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:version|build|release|v|figure|fig\.?|section|table|step|chapter)\s*$")
});

static TEMPERATURE_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:temp(?:erature)?|fever|t ?max|febrile to)\b[^\n]*$"));

static SSN: LazyLock<Regex> = LazyLock::new(|| re(r"\b\d{3}-\d{2}-\d{4}\b"));

/// After an SSN cue, within a few words: the whole number, or its last four digits ("SSN
/// ends in 4821", "last 4 of her social: 4821"), or a masked one ("xxx-xx-4821").
static SSN_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:ssn|ss#|sin|social insurance(?: number| no\.?| #)?|social security(?: number| no\.?| #)?|(?:her|his|their|my|\w+['’]s|last (?:4|four) of (?:the |her |his |their |my )?)social)\b[^\d\n]{0,24}?((?:x{3}|\*{3})[- ]?(?:x{2}|\*{2})[- ]?\d{4}|\d{9}|\d{3}[ .]\d{2}[ .]\d{4}|\d{3} \d{3} \d{3}|\d{4})\b",
    )
});

/// National identity numbers whose shape is their own: Mexico's CURP
/// ("RUGA580214HJCMRN07") and France's social security number ("2 46 07 75 115 042 17").
static NATIONAL_ID: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b|\b[12] \d{2} (?:0[1-9]|1[0-2]|[2-9]\d) (?:\d{2}|2[AB]) \d{3} \d{3}(?: \d{2})?\b",
    )
});

/// A masked SSN anywhere: "XXX-XX-4821", "***-**-4821".
static SSN_MASKED: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:\bx{3}|\*{3})-(?:x{2}|\*{2})-\d{4}\b"));

static PHONE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b"));

/// "+44 7700 900123", "+91 98450 12345", "+61 (0)412 345 678".
static PHONE_INTL: LazyLock<Regex> =
    LazyLock::new(|| re(r"\+\d{1,3}(?:[\s.-]?\(?\d{1,6}\)?){2,5}\b"));

/// National numbers with a trunk 0, as in the UK, Australia, India and much of Europe:
/// "07700 900123", "020 7946 0958", "0412 345 678". Dots are not separators here, so a
/// dotted date ("01.02.1934") is never read as one.
static PHONE_NATIONAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b0\d{3,4}[\s-]?\d{6,7}\b|\b0\d{2,4}(?:[\s-]\d{2,4}){2,3}\b"));

static TOLL_FREE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:\+?1[\s.-]?)?\(?8(?:00|33|44|55|66|77|88)\)?[\s.-]"));

static PHONE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:{PHONE_CUES}|texted|called|rang|ring|whatsapp|llamen|llamar|llámame|llama|appelez|reach (?:me|her|him|them|us) at)\b[^\d\n.!?(]{{0,64}}(\(?\d{{1,5}}\)?(?:[\s.-]?\d{{2,5}}){{1,5}})\b"
    ))
});

static FAX_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:\bfax(?:ed|ing)?\b|\bf:)[^\d\n]*$"));

/// "(617) 555-0100 (fax)", "617-555-0100 fax".
static FAX_AFTER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*(?:\(\s*f(?:ax)?\s*\)|\[\s*f(?:ax)?\s*\]|fax\b)"));

/// Cue words that announce an identifier of each kind, then the identifier itself.
static ID_CONTEXTS: LazyLock<Vec<(PhiKind, Regex)>> = LazyLock::new(|| {
    // Between the cue and the identifier: "number", "#", punctuation, and up to ten
    // words and marks of the same sentence ("MRN at the old clinic was …", "case number with county
    // services is …", "subscriber ID — is that the number on the front, …"). Only a
    // value with digits is kept ([`looks_like_id`]), so the words cannot end on one.
    // The identifier may hold slashes and groups of digits: "LKH/IP/24/05517",
    // "642 118 0935", "YHM 2041 55718".
    // Group 1 is what lies between, group 2 the identifier, which starts within its
    // first seven characters with a digit so that a word never passes for it.
    let tail = r#"((?:\s*(?:#|:|-|,|\(|"|“|”|—|–)|\s*\b(?:no|nr|num|núm)\.|\s+[\p{L}'’]+){0,10}?)\s*[:#]?\s*((?:(?-i:[A-Z]{1,6}) |[A-Za-z]{1,6}[-/.]?){0,2}\d[A-Za-z0-9/.-]{0,24}[A-Za-z0-9](?: \d{1,12}\b){0,3}|(?-i:[A-Z]{1,3})(?: \d{1,12}\b){1,3})"#;
    let cue = |kind: PhiKind, words: &str| (kind, re(&format!(r"(?i)\b(?:{words}){tail}")));
    // A device's own word right before its serial: "bed 11 ICD G7-0041-B2", "pump
    // 21B04-7718". With words between, such a cue reaches other values.
    let device_word = (
        PhiKind::Device,
        re(
            r"(?i)\b(?:pump|pacemaker|icd|defibrillator|stimulator|implant|transmitter)()\s*[:#]?\s*((?-i:[A-Z0-9]{1,6}-?)?\d[A-Z0-9-]{2,16}[A-Z0-9])\b",
        ),
    );
    // "her neighbour's record 77-04-19-33", "record PK/OPD/774412": the value right after.
    let record_word = (
        PhiKind::MedicalRecord,
        re(r"(?i)\brecords?()\s*[:#]?\s*((?:[A-Z]{1,4}/){0,3}\d[A-Z0-9/-]{3,16}[A-Z0-9])\b"),
    );
    vec![
        device_word,
        record_word,
        cue(
            PhiKind::MedicalRecord,
            r"mrn|medical record(?: number)?|med rec|chart(?: number| no\.?| #)?|(?:patient|pt) (?:id|number|no\.?)|hosp(?:ital)?\.? (?:number|no\.?|#|id)|record (?:number|no\.?|#)|encounter (?:number|id)|uhid|ur number|urn|case note(?:s)? (?:number|no\.?)|file (?:number|no\.?)|folder (?:number|no\.?)|(?:ip|op|opd|ipd) (?:number|no\.?)|expediente|historia clínica|n[º°o]\.? de historia|numer kartoteki|dossier",
        ),
        cue(
            PhiKind::HealthPlan,
            r"nhs (?:number|no\.?)|chi number|member id|subscriber id|policy(?: number)?|health plan(?: id| number)?|insurance(?: id| number| no\.?| card)?|medicaid(?: id| number)?|medicare(?: id| number)?|mbi|group(?: number| no\.?| #| id)|beneficiary (?:id|number)|(?:bcbs|blue cross(?: blue shield)?|aetna|cigna|humana|united ?healthcare|uhc|kaiser|anthem|medi-cal|tricare|molina|ambetter|oscar|bupa|axa|nss|imss|issste|hmo|nhis|nhif|shif|philhealth|ohip|ramq|msp|ihi|ehic|ghic|cnss|nfz|pesel|eps|sus|cns|ayushman|pm-jay|abha)(?: (?:id|member id|member number|number|no\.?|card|policy|pin))?|(?:health|care|medicare|medical) card|plan (?:id|number|no\.?)|assurance maladie|carte vitale|sécurité sociale|tarjeta sanitaria|seguro social|versichertennummer|krankenversicherung",
        ),
        cue(
            PhiKind::Account,
            r"account|acct\.?|billing (?:number|id|account)|invoice(?: number| no\.?| #)?|claim(?: number| no\.?| #| id| ref(?:erence)?)?|case(?: number| no\.?| #| id| ref(?:erence)?)?|appeal(?: reference| ref| number| no\.?| id)?|reference (?:number|no\.?|#)|ref(?: no\.?| #)",
        ),
        cue(
            PhiKind::License,
            r"driver'?s licen[cs]e|driving licen[cs]e|licen[cs]e(?: number| no\.?| #)?|cdl|dl(?: number| no\.?| #)|permit(?: number| no\.?| #)?|passport(?: number| no\.?| #)?|certificate(?: number| no\.?| #)?|dea(?: number| #)?",
        ),
        cue(
            PhiKind::Device,
            r"serial(?: number| no\.?| #)?|s/n|sn|device (?:id|serial)|udi|imei|implant (?:id|serial|number)|transmitter(?: id| serial| sn)?|(?:pump|pacemaker|icd|defibrillator|sensor|cgm|stimulator|hearing aid|cochlear implant)(?: id| serial(?: number)?| sn| number)|lot(?: number| no\.?| #)?",
        ),
    ]
});

static VIN: LazyLock<Regex> = LazyLock::new(|| re(r"\b[A-HJ-NPR-Z0-9]{17}\b"));

const STREET_SUFFIX: &str = r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Square|Sq|Trail|Trl|Row|Close|Crescent|Cres|Gardens|Grove|Mews|Walk|Rise|Loop|Pike|Alley|Plaza|Heights|Crossing|Ridge|Path|Hollow|Run|Estates|Commons|Expressway|Turnpike)";

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b\d{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z'-]+\.?\s+){{1,3}}{STREET_SUFFIX}\b\.?(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*[A-Za-z0-9-]+)?"
    ))
});

/// A street address written in lowercase: "12 oak street", "4410 w main st". Fewer
/// suffixes than [`ADDRESS`]: "way" or "place" after a number and a word is often prose.
static ADDRESS_LOWER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b\d{1,6}[a-z]?\s+(?:[nsew]\.?\s+)?(?:[a-z][a-z'-]+\s+){1,2}(?:street|st|avenue|ave|road|rd|lane|ln|drive|boulevard|blvd)\b\.?",
    )
});

/// Street addresses as other countries write them: a flat, house or plot before the
/// street ("House 22, Ngong Road", "Flat 4B, 12 Park Lane"), the street's kind before its
/// name ("Calle de Alcalá 212", "ul. Marszałkowska 104", "88 Rue Saint-Denis"), German
/// compounds ("Lindenstraße 14"), and the block-and-lot of the Philippines.
static ADDRESSES_ABROAD: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(&format!(
            r"\b(?:Plot|House|Flat|Apt\.?|Apartment|Unit|Suite|Blk\.?|Block|Lot|Door|No\.?)\s*\d+[A-Za-z]?,?\s+(?:\d{{1,5}}\s+)?(?:\p{{Lu}}[\p{{L}}'-]+\s+){{1,3}}{STREET_SUFFIX}\b"
        )),
        re(
            r"\b(?:ul\.|al\.|C/|Calle|Carrera|Cra\.?|Avenida|Av\.|Avda\.?|Rua|Rue|Via|Viale|Corso|Piazza|Carrer|Paseo|Jalan|Jl\.|Chemin|Allée|Straat|Laan)\s*(?:de la |de |del |da |do |dos |des |du |d')?\p{Lu}[\p{L}'-]*(?:[\s-]\p{Lu}[\p{L}'-]+){0,3},?\s*(?:n[º°o]\.?\s*)?\d{1,5}[A-Za-z]?\b",
        ),
        re(
            r"\b\d{1,5}[A-Za-z]?,?\s+(?i:rue|avenue|boulevard|bd|chemin|allée|calle|via|rua)\s+(?:de la |de |du |des |d')?\p{Lu}[\p{L}'-]+(?:[\s-]\p{Lu}[\p{L}'-]+){0,3}",
        ),
        re(
            r"\b\p{Lu}[\p{Ll}ß]+(?:straße|strasse|str\.|gasse|weg|platz|allee|ring|damm|ufer|chaussee)\s+\d{1,4}[a-z]?\b",
        ),
        re(r"(?i)\bBlk\.?\s*\d+\s*,?\s*Lot\s*\d+\b"),
    ]
});

/// "a 3 hour drive", "2 miles down the road": a distance, not an address.
static DISTANCE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:hours?|hrs?|minutes?|mins?|miles?|km|kms|days?|blocks?|mph|more|long|short)\b")
});

static PO_BOX: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bP\.?\s?O\.?\s+Box\s+\d+\b"));

static LIVES_ON: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:lives|lived|living|resides|stays|home) (?:on|at) ((?:[A-Z][A-Za-z'-]+\s+){{1,3}}{STREET_SUFFIX})\b"
    ))
});

static ZIP4: LazyLock<Regex> = LazyLock::new(|| re(r"\b\d{5}-\d{4}\b"));

/// Right after a street address: a unit, a town and a state or region may come before
/// the postal code of four or five digits.
static ZIP_AFTER_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:,?\s*(?i:apt|apartment|unit|suite|ste|flat|fl|floor|#)\.?\s*[\w-]+)?(?:,?\s*\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,2})?,?\s+(\d{4,5})\b",
    )
});

/// A bare five-digit ZIP where a place is meant: "we're in 90210", "from 83440", "they
/// don't cover 15108". Not before a unit or a range ("in 10000 patients", "from 15000 to").
static ZIP_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:in|from|near|to|cover|covers|covered|serve|serves|area|live in|lives in|moved to)\s+(\d{5})\b",
    )
});

/// Postal codes of other lengths after their cue ("postcode 400050", "código postal
/// 44100", "PIN code 110029") and Canadian postcodes in lowercase ("r3t 2n2").
static ZIP_CUED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:zip(?:\s*code)?|zipcode|post\s?code|postal code|código postal|codigo postal|code postal|pin\s?code|pincode|plz|cep)\s*(?:is|was|of|:|#)?\s*(\d{4,6}|[abceghj-nprstvxy]\d[abceghj-nprstv-z]\s?\d[abceghj-nprstv-z]\d)\b|\b([abceghj-nprstvxy]\d[abceghj-nprstv-z] \d[abceghj-nprstv-z]\d)\b|(?-i:\b(?:NSW|VIC|QLD|TAS|ACT|NT|WA|SA)\s+(\d{4})\b)",
    )
});

/// Words after a number that make it a quantity, not a place.
static QUANTITY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:to\b|-|–|patients?|people|cases|cells|units|iu|mg|mcg|ml|kg|g\b|steps|calories|kcal|dollars|usd|\$|%|per|/|x\b|times|deaths|admissions|visits|members|babies|births|women|men|children|adults|doses|samples|tests)",
    )
});

static GCS: LazyLock<Regex> = LazyLock::new(|| re(r"^E[1-4]V[1-5]M[1-6]$"));

/// UK postcodes ("SW1A 1AA", "M1 1AE") and Canadian postal codes ("K1A 0B1"): shapes
/// no clinical text uses.
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s\d[ABD-HJLNP-UW-Z]{2}|[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\s?\d[ABCEGHJ-NPRSTV-Z]\d)\b",
    )
});

static ZIP_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\s+|\b(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming),?\s+|(?i:\bzip(?: code)?|\bpostal code|\bzipcode|\bpostcode)\s*(?:is|of|was|:|#)?\s*)(\d{5})\b|(?i:\bthe )(\d{5})(?i: (?:area|zip|zip code|neighbou?rhood))\b",
    )
});

/// Ages; only those over 89 are identifiers (Safe Harbor groups them as "90 or older").
static AGES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        re(r"(?i)\b(\d{2,3})\s*(?:-|\s)?\s*(?:years?|yrs?)[- ]?old\b"),
        re(r"(?i)\b(\d{2,3})\s*-?\s*(?:yo|y/o|y\.o\.|years of age)(?:\b|\s|$)"),
        re(r"(?i)\b(?:aged?|age of|at age)\s*:?\s*(\d{2,3})\b"),
        re(r"\b(\d{2,3})\s?(?:M|F|yM|yF)\b"),
        re(r"(?i)\b(?:turned|turns|turning|celebrated (?:his|her|their))\s+(\d{2,3})(?:th)?\b"),
        // "tiene 91 años", "a 101 ans", "ma 93 lata", "98 tuổi", "95 Jahre alt".
        re(
            r"(?i)\b(\d{2,3})\s*(?:años|anos|ans|anni|jahre|lat|lata|tuổi|tuoi|yaşında|yaş|jaar|år|ani|anos de idade)\b",
        ),
    ]
});

/// Ages over 89 in words: "ninety-four", "a hundred and two".
const SPELLED_AGE: &str = r"ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|(?:one |a )?hundred(?:(?: and)?[- ](?:one|two|three|four|five|six|seven|eight|nine|ten))?";

/// "ninety-four-year-old", "a hundred-year-old".
static AGE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b((?:{SPELLED_AGE})[- ](?:years?[- ]old|yo|y/o))\b"
    ))
});

/// An age said plainly, in digits or words, where an age is meant: after "is", "was",
/// "'s", "I'm", "turned", "aged" ("she's 90", "the patient in bed 6 is 96", "i'm 94"),
/// after a name or relative and a comma ("Grandma, 96,", "Okafor, ninety-one"), in
/// brackets after a name ("Mrs Lee (93)"). Each alternative captures the age alone.
/// Checked for a unit after it and a measurement before it ([`NOT_AN_AGE_AFTER`],
/// [`MEASURE_BEFORE`]), and for a value of 90 to 125.
static AGE_PLAIN: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i:(?:'s|’s|\bis|\bwas|\bis now|\bwill be|\bjust turned|\bturned|\bturns|\bturning|\bwould have been|\bi'm|\bi’m|\bim|\bi am|\baged?|\bage of|\bat age|\bat|\bclocked|\breached|\bmade it to|\bhits?|\bcelebrat(?:es|ed|ing)|\bcumplió|\bcumple|\btiene|\bmit)(?:\s+(?:actually|really|now|nearly|almost|about|around|already|still)\b)?)\s+(\d{{2,3}}|{SPELLED_AGE})\b|\b\p{{Lu}}\p{{Ll}}+,\s*(\d{{2,3}}|(?i:{SPELLED_AGE}))\b|\b\p{{Lu}}\p{{Ll}}+\s\((\d{{2,3}})\)|\b\p{{Ll}}+,\s*((?i:{SPELLED_AGE}))\b|(?i:,\s*)(\d{{2,3}})(?i:\s+and\s+(?:still\b|lives\b|living\b|sharp\b|independent\b|fully\b|going strong\b))"
    ))
});

/// Words just before "is 96" that make the number a measurement: "HR was 96", "sats
/// today are 92", "her score was 94".
static MEASURE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:hr|heart rate|pulse|tachy|tachycardic|brady|bradycardic|satting|running|sitting|sats?|spo2|o2|saturation|bp|systolic|diastolic|map|rr|resp(?:iratory)?(?: rate)?|glucose|bg|bm|bsl|sugars?|weight|wt|score|temp|temperature|rate|level|count|platelets|plt|hb|hgb|na|sodium|k|potassium|cr|creat(?:inine)?|egfr|gfr|ef|iq|mmse|moca|bmi|fev1|fvc|a1c|hba1c|ldl|hdl|tsh|crp|esr|ferritin|bill|cost|price|copay|total|invoice|speed|number|page|chapter|mark|grade|percent(?:ile)?|accuracy|sensitivity|specificity|ppv|npv|auc|response|adherence|compliance|ratio|index|volume|dose|rank|ranking|limit|threshold)\b(?:\s+\S+){0,3}\s*$",
    )
});

/// The value of an age in digits or words; words are all over 89 by construction.
fn age_value(s: &str) -> Option<u32> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        Some(90)
    }
}

/// What after a number makes it a measure, not an age ("he's 95 kg", "she is 92% sure").
static NOT_AN_AGE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:%|percent|per cent|kg|kilos?|lbs?|pounds|cm|mm|mmhg|bpm|mg|ml|units|minutes|mins|hours|days|weeks|months|km|miles|metres|meters|times|/|\.\d|:\d|x\b|degrees|°|years? (?:ago|later|since|before|after|of|in)|patients?|people|cases|members|calls|beds|staff|nurses|doctors|visits|admissions|dollars|usd|\$|euros|rupees|naira|pesos|shillings|calories|steps|pages|questions|items|points)",
    )
});

/// Month names and their abbreviations as written capitalised, which are also given
/// names ("June", "Jan", "May").
const MONTH_NAMES: &[&str] = &[
    "Jan",
    "January",
    "Feb",
    "February",
    "Mar",
    "March",
    "Apr",
    "April",
    "May",
    "Jun",
    "June",
    "Jul",
    "July",
    "Aug",
    "August",
    "Sep",
    "Sept",
    "September",
    "Oct",
    "October",
    "Nov",
    "November",
    "Dec",
    "December",
];

const MONTHS: &str = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";

/// Dates precise to the day (or month, after a personal event word).
static DATES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    vec![
        // 03/14/2024, 3-14-24, 14.03.2024
        re(r"\b(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|[12]\d|3[01])[/.-](?:\d{4}|\d{2})\b"),
        // 2024-03-14
        re(r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"),
        // March 14, March 14th, 2024
        re(&format!(
            r"\b{MONTHS}\.?\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?"
        )),
        // 14 March 2024, 14th of March, 11-Nov-1935
        re(&format!(
            r"\b(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|[-/.]){MONTHS}\b\.?(?:(?:,?\s+|[-/.])\d{{4}}\b|[-/.]\d{{2}}\b)?"
        )),
        // 2024/03/14, 2024.03.14
        re(r"\b(?:19|20)\d{2}[/.](?:0?[1-9]|1[0-2])[/.](?:0?[1-9]|[12]\d|3[01])\b"),
        // 20240314
        re(r"\b(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b"),
        // 23.XI.1932
        re(
            r"\b(?:0?[1-9]|[12]\d|3[01])\.(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\.(?:\d{4}|\d{2})\b",
        ),
        // 15 de mayo de 2023, 15 mars 2024, 4 lipca 2024, 3. März 2021
        re(&format!(
            r"(?i)\b(?:0?[1-9]|[12]\d|3[01])\.?\s+(?:de\s+)?{MONTHS_ABROAD}\b(?:\s+(?:de\s+)?\d{{4}}\b)?"
        )),
    ]
});

/// Month names in Spanish, Portuguese, French, Italian, German, Dutch and Polish (the
/// genitive, as dates use it).
const MONTHS_ABROAD: &str = r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro|dezembro|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|januar|jänner|februar|märz|juni|juli|oktober|dezember|januari|februari|maart|mei|augustus|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia)";

/// A day of the month alone, where a date is meant: "on the 21st", "since the 3rd".
static DAY_OF_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:on|since|from|until|till|til|by|before|after|to|past|through|thru|for|around|of) the ((?:[12]?\d|3[01])(?:st|nd|rd|th))\b",
    )
});

/// A noun after an ordinal that makes it no day of the month: "the 4th floor".
static ORDINAL_NOUN_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s+(?:floor|grade|year|time|place|line|dose|cycle|week|day|rib|intercostal|ventricle|degree|percentile|trimester|generation|round|attempt|visit|pregnancy|child|baby|session|edition|century|birthday|anniversary)s?\b",
    )
});

/// A slash date without a year, only where a date is expected ("admitted 3/14").
static SHORT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:on|since|from|until|dob|d\.o\.b\.?|born|admitted|discharged|seen|died|delivered|birthday)\s*:?\s*((?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01]))\b",
    )
});

/// Month and year after a personal event ("born in March 2019").
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i:\b(?:born|birth|dob|admitted|discharged|died|passed away|delivered|diagnosed)\b)[^.\n]{{0,20}}?\b({MONTHS}\.?\s+\d{{4}})\b"
    ))
});

/// Words that tie a date to a person: pronouns, relatives, patients, personal events.
/// They keep a date an identifier even in a sentence about an event ("she was admitted
/// the day of the conference, March 3").
static PERSONAL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:he|she|him|his|her|hers|born|dob|d\.o\.b|birthday|admitted|admission|discharged|died|death|passed away|seen|delivered|diagnosed|surgery|operation|procedure|chemo|visit|appointment|seizure|fell|injured|my (?:son|daughter|mom|mother|dad|father|husband|wife|baby|partner|brother|sister)|patient'?s?|pt|mr|mrs|ms|mx|miss|turns|turned|turning|funeral|wedding|edd|lmp|due date|home birth|confined|discharge|dialysis|slot|covered)\b",
    )
});

/// Words that make a date a publication's, a rule's or an event's: "the guideline was
/// published on March 3", "abstracts are due 12 May". Without a personal word beside
/// them, such a date identifies nobody.
static IMPERSONAL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:published|publication|guidelines?|approved|approval|fda|ema|mhra|nice|cdc|(?-i:WHO)|conference|congress|meeting|webinar|symposium|summit|deadline|due|launch(?:ed|es)?|released?|effective|updated?|version|announced|announcement|journal|issue|volume|vol|trial|study|studies|report|policy|rule|regulation|law|act|holiday|festival|election|registration|submissions?|abstracts?|grand rounds|journal club|lecture|session|event|workshop|course|exam|shift|rota|rotation|schedule|sale|outage|maintenance|closed|closure|opens|opening|strike|recall|alert|advisory|season|campaign|starts?|begins?|scheduled|open house|every year|annual(?:ly)?|peaked|admissions|cases|day|posted|accessed|retrieved|written|copyright|pdt|pst|edt|est|gmt|utc|survey|article|blog|newsletter|press)\b|(?-i:(?:^|[.!?]\s+)By\s+\p{Lu})",
    )
});

fn dates(text: &str, names: &[(usize, usize)], add: &mut impl FnMut(PhiKind, usize, usize)) {
    // Leaning to recall: a day-precise date counts unless its sentence is plainly about a
    // publication, rule or event and names no person or personal event. A sentence with
    // a name found in it is about a person ("Mr. Asante turns 100 on the 27th and we're
    // planning a party in the day room").
    let personal = |start: usize, end: usize| {
        let (from, to) = sentence_around(text, start, end);
        let sentence = &text[from..to];
        PERSONAL_DATE.is_match(sentence)
            || !IMPERSONAL_DATE.is_match(sentence)
            || names.iter().any(|&(s, e)| s >= from && e <= to)
    };
    for re in DATES.iter() {
        for m in re.find_iter(text) {
            if personal(m.start(), m.end()) {
                add(PhiKind::Date, m.start(), m.end());
            }
        }
    }
    for c in SHORT_DATE.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        // "on 01/01/2026" is a full date, judged above; "on 3/4 of patients" a fraction.
        let rest = &text[m.end()..];
        let full = rest.starts_with(['/', '-', '.'])
            && rest[1..].starts_with(|c: char| c.is_ascii_digit());
        let fraction = rest.trim_start().starts_with("of ");
        if !full && !fraction && personal(m.start(), m.end()) {
            add(PhiKind::Date, m.start(), m.end());
        }
    }
    for c in MONTH_YEAR.captures_iter(text) {
        group(&c, 1, PhiKind::Date, add);
    }
    for c in DAY_OF_MONTH.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        // "on the 2nd of November" is judged whole above; "on the 4th floor" is no date.
        let rest = &text[m.end()..];
        let whole = rest.trim_start().starts_with("of ");
        if !whole && !ORDINAL_NOUN_AFTER.is_match(rest) && personal(m.start(), m.end()) {
            add(PhiKind::Date, m.start(), m.end());
        }
    }
}

/// The byte range of the sentence (or line) containing `start..end`.
fn sentence_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let is_stop = |c: char| matches!(c, '\n' | '!' | '?' | ';');
    let from = text[..start]
        .char_indices()
        .rev()
        .find(|&(i, c)| is_stop(c) || (c == '.' && text[i + 1..].starts_with(' ')))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let to = text[end..]
        .char_indices()
        .find(|&(i, c)| is_stop(c) || (c == '.' && text[end + i + 1..].starts_with([' ', '\n'])))
        .map(|(i, _)| end + i)
        .unwrap_or(text.len());
    (from, to)
}

/// A capitalised name word in any script with case: "Okafor", "Wiśniewski", "Al-Sayed",
/// "O'Brien", "Nguyễn".
const NAME: &str = r"\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)?";

static HONORIFIC: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:Mr|Mrs|Ms|Mx|Miss)\.?\s+{NAME}(?:\s+{NAME})?"
    ))
});

/// Words after which a person's name follows: patients, relatives, "named".
const CUE: &str = r"patient|pt\.?|client|resident|named|name is|name was|called|(?:my|his|her|their|our|the patient's|patient's|pt's) (?:son|daughter|husband|wife|mom|mum|mother|dad|father|brother|sister|grandmother|grandfather|grandma|grandpa|grandson|granddaughter|partner|boyfriend|girlfriend|baby|child|kid|nephew|niece|aunt|uncle|cousin|caregiver|fiancée?|neighbou?r|roommate)|(?:mom|mum|mother|dad|father|grandma|grandpa|granny|nana|baby) (?:is|was|named|called)|name on (?:the )?(?:id|file|chart|wristband|card)\s*:?|\d{1,2}\s?(?:yo|y/o|yr old|year old)";

/// Titles and kinship words that precede a name in other languages and in English
/// spoken by families: "doña Rosario", "Mama Ngozi", "BN Kowalczyk" (Vietnamese for
/// patient), "Lola Farhana", "my teta Wiremu".
const HONORIFICS_ABROAD: &str = r"doña|don|señora|señor|sra\.?|srta\.?|paciente|patiente|patientin|pasien|pasyente|bn|bệnh nhân|bà(?: nội| ngoại)?|ông(?: nội| ngoại)?|cô|chú|teta|jiddo|jaddah|lola|lolo|tita|tito|mama|baba|mzee|bibi|babu|nani|nana ji|dadi|dada ji|abu|umm|abuela|abuelo|abuelita|abuelito|tía|tío|nonna|nonno|oma|opa|babcia|dziadek|auntie|aunty|aunt|uncle|madame|mme\.?|monsieur|herr|frau|sayın|ustaz|hajiya|alhaji|mallam";

/// A cue that a person's name follows, then the name.
static NAME_CUE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i:\b(?:{CUE}|{HONORIFICS_ABROAD}))\b(?:\s*:)?,?\s+(?:(?i:is|was)\s+)?({NAME}(?:\s+{NAME})?)"
    ))
});

/// Right after a lowercase given name: the age of a handover ("gary, 45, presented",
/// "emeka (7)").
static LOWER_NAME_AGE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:,\s*\d{1,3}\s?(?:,|yo\b|y/o|[MF]\b|years?\b)|\s\(\d{1,3}\))"));

/// Words that often come before a person's name, but also before other words: a name
/// word or an unknown capitalised word after them is a name ("Thank you Fitzpatrick",
/// "Reminder to Kowalczyk", "visited abu yousef").
static SOFT_CUE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:\b(?:thank you|thanks|thx|reminder to|remind|visited|visiting|celebrates|celebrating|congratulations to|congrats to|congrats|happy birthday(?: to)?|rip|in memory of|in loving memory of|welcome|dear|hi|hello|wishing|praying for|prayers for|pray for|kay|para|pour|für|dla|la señora|el señor|cho))\b,?\s+$",
    )
});

/// A cue just before a word, whatever the word's case ("my grandpa arturo").
static CUE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i:\b(?:{CUE}|{HONORIFICS_ABROAD}))\b(?:\s*:)?,?\s+(?:(?i:is|was)\s+)?$"
    ))
});

/// A relative or a title just before a word, with no "my" before it and in any case:
/// "Daughter Magda is next of kin", "Partner Emeka", "mrs okoro", "mi hijo Santiago".
static RELATION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:\b(?:son|daughter|husband|wife|partner|brother|sister|mom|mum|mother|dad|father|grandma|grandpa|granny|grandad|granddad|grandmother|grandfather|gran|nan|nana|nanna|papa|poppa|grandson|granddaughter|nephew|niece|cousin|fiancée?|boyfriend|girlfriend|stepson|stepdaughter|stepmom|stepdad|twin|mr|mrs|ms|mx|miss|mister|mi (?:hijo|hija|esposo|esposa|marido|mamá|mama|papá|papa|madre|padre|abuela|abuelo|abuelita|abuelito|hermano|hermana|nieto|nieta)|mon (?:fils|mari|père|frère)|ma (?:fille|femme|mère|sœur|soeur))\.?)\s+$",
    )
});

/// Initials before a surname, or after it in a list's order: "J. Mbeki", "R. Castellanos",
/// "a.k. boateng", "Mbeki, J.".
static INITIALS_SURNAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:\p{Lu}\.\s?){1,2}(\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)?)|\b(?:\p{Ll}\.){1,2}\s?(\p{Ll}{4,})\b|\b(\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)?),\s\p{Lu}\.(?:\s|$)",
    )
});

/// A name in brackets after a bed or room: "bed 10 (Nikolaidis)", "pt in 14 (mr
/// wiśniewski)", "bed 7 (Zhang Xiuying, 93)".
static BED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:\b(?:bed|room|rm|bay|cubicle|cube|pod|pt in|patient in)\s*\d+[a-z]?)\s*\(\s*((?:(?i:mr|mrs|ms|miss)\.?\s+)?\p{L}[\p{L}'’-]+(?:\s+\p{L}[\p{L}'’-]+)?)\s*[,)]",
    )
});

/// A family by its surname, and a person by a relative's possessive: "the Kamau family",
/// "ryan's mom", "Okafor's daughter".
static FAMILY_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:\bthe\s)(\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)?)(?i:\s(?:family|household|kids|twins|boys|girls)\b)|\b(\p{L}{3,})['’]s\s(?i:mom|mum|mother|dad|father|wife|husband|son|daughter|parents|family|sister|brother|grandma|grandpa|partner|kids|baby)\b",
    )
});

/// "Jane Roe, a 45-year-old …", "Jane Roe, age 45", "Jane Roe (DOB …)", and a bare
/// surname before the age-and-sex shorthand of a handover ("Hernandez, 68M").
static NAME_BEFORE_AGE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b({NAME}\s+{NAME}),?\s+(?:\(|a |an |age |aged )\s*(?:\d|dob|DOB)|\b({NAME}),\s*\d{{1,3}}\s?(?:M|F|yo|y/o)\b"
    ))
});

/// Handover order after a cue: "Reviewed Nguyen, Thi Lan", "Handover: Kowalczyk, Piotr".
static SURNAME_GIVEN: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i:\b(?:reviewed|handover|hand-over|sign-?out|signout|saw|seen|admitted|bed \d+|room \d+|pt|patient)\b)\s*:?\s*({NAME},\s+{NAME}(?:\s+{NAME})?)"
    ))
});

/// A common first name followed by a capitalised surname.
static FIRST_LAST: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"\b({FIRST_NAMES})\s+({NAME})")));

const FIRST_NAMES: &str = "James|John|Robert|Michael|William|David|Richard|Joseph|Thomas|Charles|Christopher|Daniel|Matthew|Anthony|Mark|Donald|Steven|Paul|Andrew|Joshua|Kenneth|Kevin|Brian|George|Timothy|Ronald|Edward|Jason|Jeffrey|Ryan|Jacob|Gary|Nicholas|Eric|Jonathan|Stephen|Larry|Justin|Scott|Brandon|Benjamin|Samuel|Gregory|Frank|Alexander|Raymond|Patrick|Jack|Dennis|Jerry|Tyler|Aaron|Jose|Adam|Henry|Nathan|Douglas|Zachary|Peter|Kyle|Walter|Ethan|Jeremy|Harold|Keith|Christian|Roger|Noah|Gerald|Carl|Terry|Sean|Austin|Arthur|Lawrence|Jesse|Dylan|Bryan|Joe|Jordan|Billy|Bruce|Albert|Willie|Gabriel|Logan|Alan|Juan|Wayne|Roy|Ralph|Randy|Eugene|Vincent|Russell|Elijah|Louis|Bobby|Philip|Johnny|Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|Susan|Jessica|Sarah|Karen|Nancy|Lisa|Betty|Margaret|Sandra|Ashley|Kimberly|Emily|Donna|Michelle|Dorothy|Carol|Amanda|Melissa|Deborah|Stephanie|Rebecca|Sharon|Laura|Cynthia|Kathleen|Amy|Shirley|Angela|Helen|Anna|Brenda|Pamela|Nicole|Emma|Samantha|Katherine|Christine|Debra|Rachel|Catherine|Carolyn|Janet|Ruth|Maria|Heather|Diane|Virginia|Julie|Joyce|Victoria|Olivia|Kelly|Christina|Lauren|Joan|Evelyn|Judith|Megan|Cheryl|Andrea|Hannah|Martha|Jacqueline|Frances|Gloria|Ann|Teresa|Kathryn|Sara|Janice|Jean|Alice|Madison|Doris|Abigail|Julia|Judy|Grace|Denise|Amber|Marilyn|Beverly|Danielle|Theresa|Sophia|Marie|Diana|Brittany|Natalie|Isabella|Charlotte|Rose|Alexis|Kayla|Luis|Carlos|Miguel|Jorge|Pedro|Rosa|Carmen|Ana|Sofia|Lucia|Mohammed|Muhammad|Ahmed|Ali|Fatima|Aisha|Omar|Hassan|Wei|Li|Mei|Hiroshi|Yuki|Priya|Raj|Anil|Sunita|Deepak|Kwame|Amara|Chinedu|Ngozi|Olga|Ivan|Dmitri|Sven|Ingrid|Liam|Mason|Lucas|Oliver|Aiden|Ava|Mia|Harper|Ella|Chloe|Zoe|Lily|Leah|Nora|Camila|Mateo|Diego|Valentina|Ximena|Tomas|Marta|Jakub|Aleksandra";

/// Capitalised words that start sentences or name diseases, not people.
/// Titles and charting shorthand written capitalised.
const SHORTHAND: &[&str] = &[
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Sr", "Fr", "Pt", "Pts", "Hx", "Rx", "Dx", "Tx", "Sx",
    "Fx", "Bx", "Cx", "Ix", "Obs", "Re", "Ref", "Appt", "Adm", "Yo",
];

/// Whether `w` (or `w` without its "'s") is a word that starts no name.
fn not_a_name(w: &str) -> bool {
    NOT_A_NAME.contains(&w.strip_suffix("'s").unwrap_or(w))
}

const NOT_A_NAME: &[&str] = &[
    // Nationalities and peoples, written capitalised before nurses, food, families.
    "Filipino",
    "Filipina",
    "Filipinos",
    "Nigerian",
    "Ghanaian",
    "Kenyan",
    "Ugandan",
    "Ethiopian",
    "Somali",
    "Indian",
    "Pakistani",
    "Bangladeshi",
    "Nepali",
    "Chinese",
    "Vietnamese",
    "Korean",
    "Japanese",
    "Thai",
    "Mexican",
    "Colombian",
    "Brazilian",
    "Peruvian",
    "Cuban",
    "Haitian",
    "Jamaican",
    "Polish",
    "Ukrainian",
    "Russian",
    "Romanian",
    "Turkish",
    "Iranian",
    "Persian",
    "Afghan",
    "Syrian",
    "Lebanese",
    "Egyptian",
    "Moroccan",
    "Arab",
    "Arabic",
    "Irish",
    "Scottish",
    "Welsh",
    "British",
    "English",
    "American",
    "Canadian",
    "Australian",
    "Kiwi",
    "Maori",
    "Māori",
    "Aboriginal",
    "Indigenous",
    "Latino",
    "Latina",
    "Latinx",
    "Hispanic",
    "Punjabi",
    "Tamil",
    "Bengali",
    "Urdu",
    "Hindi",
    "Mandarin",
    "Cantonese",
    "Tagalog",
    "Bisaya",
    "Yoruba",
    "Igbo",
    "Hausa",
    "Swahili",
    "Amharic",
    "Spanish",
    "French",
    "German",
    "Italian",
    "Portuguese",
    "Greek",
    "Dutch",
    "Swedish",
    "Norwegian",
    "Danish",
    // Holidays and feasts.
    "Christmas",
    "Easter",
    "Diwali",
    "Eid",
    "Ramadan",
    "Thanksgiving",
    "Hanukkah",
    "Passover",
    "Lent",
    "Advent",
    "Navratri",
    "Holi",
    "Kwanzaa",
    "Halloween",
    // Articles and pronouns of other languages that start a sentence capitalised (not
    // "Le", "Su", "Ma" nor "Son", which are also surnames: Lê, Sū, Mǎ, Son).
    "La",
    "Les",
    "Los",
    "Las",
    "El",
    "Un",
    "Una",
    "Une",
    "Mi",
    "Mis",
    "Mon",
    "Mes",
    "Sa",
    "Ses",
    "Il",
    "Lo",
    "Der",
    "Die",
    "Das",
    "Ein",
    "Eine",
    // "Johns Hopkins": an institution's eponym, never a patient's surname here.
    "Johns",
    "The",
    "This",
    "That",
    "These",
    "Those",
    "A",
    "An",
    "He",
    "She",
    "They",
    "We",
    "I",
    "It",
    "His",
    "Her",
    "Their",
    "Our",
    "My",
    "Who",
    "Whose",
    "With",
    "And",
    "But",
    "Or",
    "In",
    "On",
    "At",
    "For",
    "From",
    "To",
    "Of",
    "By",
    "As",
    "Is",
    "Was",
    "Has",
    "Had",
    "Have",
    "Will",
    "Would",
    "Should",
    "Could",
    "Can",
    "May",
    "Might",
    "Did",
    "Does",
    "Do",
    "Not",
    "No",
    "Yes",
    "If",
    "When",
    "After",
    "Before",
    "During",
    "Today",
    "Yesterday",
    "Tomorrow",
    "Here",
    "There",
    "Also",
    "Type",
    "Stage",
    "Grade",
    "Class",
    "Day",
    "Week",
    "Month",
    "Year",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Patient",
    "Patients",
    "Pt",
    "Pts",
    "Doctor",
    "Dr",
    "Nurse",
    "Hospital",
    "Clinic",
    "Room",
    "Bed",
    "Ward",
    "Unit",
    "Care",
    "Education",
    "Safety",
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Crohn",
    "Parkinson",
    "Alzheimer",
    "Hodgkin",
    "Cushing",
    "Addison",
    "Graves",
    "Hashimoto",
    "Kawasaki",
    "Guillain",
    "Tourette",
    "Asperger",
    "Bell",
    "Raynaud",
    "Sjogren",
    "Wilson",
    "Huntington",
    "Marfan",
    "Turner",
    "Klinefelter",
    "Lyme",
    "Epstein",
    "Reye",
    "Wernicke",
    "Down",
    "Lou",
    "Paget",
    "Meniere",
    "Bright",
    "Still",
    "Behcet",
    "Portal",
    "Advocate",
    "Advocates",
    "Support",
    "Group",
    "Center",
    "Centre",
    "Health",
    "Medical",
    "Medicine",
    "Association",
    "Society",
    "College",
    "University",
    "Foundation",
    "Syndrome",
    "Disease",
    "Guidelines",
    "Guideline",
    "Trial",
    "Study",
    "Awareness",
    // Places and institutions: "St Mary's", "Mount Sinai", "Nairobi West".
    "St",
    "Saint",
    "San",
    "Santa",
    "Sainte",
    "Mount",
    "Mt",
    "Lake",
    "Port",
    "Fort",
    "New",
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Island",
    "Bay",
    "City",
    "County",
    "Province",
    "State",
    "Valley",
];

/// Words after a person's name that make it an institution's ("Sarah Cannon Research
/// Institute", "Virginia Mason Franciscan Health").
static INSTITUTION_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:[A-Z][a-z]+\s+){0,2}(?:Health|Hospital|Institute|Research|Center|Centre|Clinic|Foundation|Medical|University|College|Memorial|Children's|Cancer|School|Fund|Trust|Award|Lecture)\b",
    )
});

/// The text before a name that makes it a clinician's or an author's, not a patient's.
static TITLE_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:dr|prof|professor|doctor|nurse|np|pa|rn|md)\.?\s*$"));

fn names(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut add = |start: usize, end: usize| found.push((start, end));
    let words_ok = |s: &str| s.split_whitespace().all(|w| !not_a_name(w));
    let after_ok = |end: usize| {
        let rest = text[end..].trim_start();
        !(rest.starts_with("et al")
            || INSTITUTION_AFTER.is_match(rest)
            || rest.starts_with("'s disease")
            || rest.starts_with("'s syndrome")
            || rest.starts_with("disease")
            || rest.starts_with("syndrome"))
    };
    let before_ok = |start: usize| !TITLE_BEFORE.is_match(window_before(text, start, 12));
    for m in HONORIFIC.find_iter(text) {
        add(m.start(), m.end());
    }
    for c in NAME_CUE.captures_iter(text) {
        if let Some(m) = c.get(1) {
            // Keep only the leading words that are not sentence words ("patient Smith was").
            let kept: Vec<&str> = m
                .as_str()
                .split_whitespace()
                .take_while(|w| words_ok(w))
                .collect();
            if let Some(last) = kept.last() {
                let end = m.start() + m.as_str().find(last).unwrap_or(0) + last.len();
                if after_ok(end) {
                    add(m.start(), end);
                }
            }
        }
    }
    for c in NAME_BEFORE_AGE.captures_iter(text) {
        if let Some(m) = c.get(1).or_else(|| c.get(2))
            && words_ok(m.as_str())
            && before_ok(m.start())
        {
            add(m.start(), m.end());
        }
    }
    for c in SURNAME_GIVEN.captures_iter(text) {
        if let Some(m) = c.get(1)
            && words_ok(&m.as_str().replace(',', ""))
        {
            add(m.start(), m.end());
        }
    }
    for m in FIRST_LAST.find_iter(text) {
        if words_ok(m.as_str()) && before_ok(m.start()) && after_ok(m.end()) {
            add(m.start(), m.end());
        }
    }
    for (start, end) in dictionary_names(text) {
        if before_ok(start) && after_ok(end) {
            add(start, end);
        }
    }
    // A surname the lists know, or a word in no list: not an English word nor a place.
    let surname_like = |w: &str| {
        let word = lexicon::word(w);
        !not_a_name(w)
            && !word.common
            && !word.english
            && !word.place
            && (word.surname || word.given || (word.unknown() && w.chars().count() >= 4))
    };
    for c in INITIALS_SURNAME.captures_iter(text) {
        let (Some(whole), Some(m)) = (c.get(0), c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
        else {
            continue;
        };
        let rest = &text[whole.end()..];
        // "e.g. smith", "i.e. patients"; a reference list ("Smith, J., Jones, K. (2019)").
        let abbreviation = ["e.g.", "i.e.", "a.m.", "p.m."]
            .iter()
            .any(|a| whole.as_str().to_lowercase().starts_with(a));
        let citation =
            rest.trim_start().starts_with(['(', ',']) || rest.trim_start().starts_with("et al");
        if surname_like(m.as_str()) && !abbreviation && !citation && before_ok(whole.start()) {
            let end = whole.as_str().trim_end().len() + whole.start();
            add(whole.start(), end);
        }
    }
    for c in BED_NAME.captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        // Any word but an English one, a frequent one or an acronym ("(MRSA)").
        let words_named = m.as_str().split_whitespace().all(|w| {
            let word = lexicon::word(w);
            let acronym = !w.chars().skip(1).any(char::is_lowercase);
            !not_a_name(w) && !word.common && !acronym && (!word.english || word.name_like())
        });
        if words_named {
            add(m.start(), m.end());
        }
    }
    for c in FAMILY_NAME.captures_iter(text) {
        if let Some(m) = c.get(1) {
            if surname_like(m.as_str()) {
                add(m.start(), m.end());
            }
        } else if let Some(m) = c.get(2) {
            // surname_like checks the stop list and frequent words itself.
            let word = lexicon::word(m.as_str());
            let given = !not_a_name(m.as_str())
                && !word.common
                && (word.clearly_a_name() || (word.given && word.popular));
            if given || surname_like(m.as_str()) {
                add(m.start(), m.end());
            }
        }
    }
    found
}

/// Words that start the names of places and institutions.
const PLACE_PREFIXES: &[&str] = &[
    "St", "Saint", "San", "Santa", "Sainte", "Mount", "Mt", "Lake", "Port", "Fort", "New",
];

/// A word as a name might be written: letters, with inner apostrophes or hyphens.
static WORD: LazyLock<Regex> = LazyLock::new(|| re(r"\p{L}+(?:['’-]\p{L}+)*"));

struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    /// "Okafor", "McDonald", "O'Brien" — not "ICU" nor "okafor".
    capitalised: bool,
    lowercase: bool,
    word: lexicon::Word,
}

fn token<'a>(m: regex::Match<'a>) -> Token<'a> {
    let s = m.as_str();
    let first_upper = s.chars().next().is_some_and(char::is_uppercase);
    Token {
        text: s,
        start: m.start(),
        end: m.end(),
        capitalised: first_upper && s.chars().skip(1).any(char::is_lowercase),
        lowercase: s.chars().all(|c| !c.is_uppercase()),
        word: lexicon::word(s),
    }
}

/// Names found by looking words up in the name lists rather than by a title or cue:
/// a run of capitalised name words ("Kwame Mensah", "Tran Van Minh"), a given name that
/// is no English word ("Chidinma", "Emeka"), a lowercase given name and surname ("john
/// smith"), and any name word right after a cue ("my grandpa arturo"). Byte spans.
fn dictionary_names(text: &str) -> Vec<(usize, usize)> {
    let tokens: Vec<Token<'_>> = WORD.find_iter(text).map(token).collect();
    // "Jan 2017", "May 3rd": a month before a number is a date's, not a person's.
    let month = |t: &Token<'_>| {
        MONTH_NAMES.contains(&t.text)
            && text[t.end..]
                .trim_start_matches('.')
                .strip_prefix(' ')
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    // Titles and charting shorthand start or end no dictionary name: the title rules
    // read "Mrs. Garcia", and "Pt", "Hx" are in no list.
    // "I'm", "I've", "Don't": contractions, not names.
    let contraction = |t: &Token<'_>| {
        [
            "'m", "'ve", "'ll", "'d", "'re", "n't", "’m", "’ve", "’ll", "’d", "’re", "n’t",
        ]
        .iter()
        .any(|end| t.text.ends_with(end))
    };
    let stop = |t: &Token<'_>| {
        not_a_name(t.text)
            || month(t)
            || contraction(t)
            || SHORTHAND.contains(&t.text.trim_end_matches('.'))
    };
    let joined = |a: &Token<'_>, b: &Token<'_>| &text[a.end..b.start] == " ";
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        // "at the Aga Khan", "to the Royal": after "the", an institution or a place.
        let after_the = window_before(text, t.start, 4).eq_ignore_ascii_case("the ");
        // "Mount Sinai", "St Thomas'": after a place word, a place or an institution.
        let after_place_word =
            i > 0 && joined(&tokens[i - 1], t) && PLACE_PREFIXES.contains(&tokens[i - 1].text);
        if t.capitalised && !stop(t) && !after_the && !after_place_word {
            let mut j = i;
            while j + 1 < tokens.len()
                && j - i < 3
                && tokens[j + 1].capitalised
                && !stop(&tokens[j + 1])
                && joined(&tokens[j], &tokens[j + 1])
            {
                j += 1;
            }
            let run = &tokens[i..=j];
            // Capitalised words in no list at all, side by side, are taken for a name
            // the lists miss ("Naulaq Kilabuk"); English words, places and everyday
            // words are in the lists, so a heading ("Severe Bradycardia") is not.
            // Any name word may join a run ("Farhana Begum": Begum is also a word), but
            // one must be only a name or unknown ("Tesfaye Bekele"), so "Will Power" and
            // "Grace Park" stay words.
            let is_name = if run.len() == 1 {
                t.word.clearly_a_name()
            } else {
                let only_a_name = |t: &Token<'_>| {
                    let w = t.word;
                    w.clearly_a_name()
                        || (w.unknown() && t.text.chars().count() >= 3)
                        || (w.surname && !(w.common || w.dictionary || w.english || w.place))
                };
                run.iter()
                    .all(|t| t.word.given || t.word.surname || t.word.unknown())
                    && run.iter().any(only_a_name)
                    && !run.iter().all(|t| t.word.place)
            };
            let before = window_before(text, t.start, 48);
            let cued = || {
                CUE_BEFORE.is_match(before)
                    || SOFT_CUE_BEFORE.is_match(before)
                    || RELATION_BEFORE.is_match(before)
            };
            // A given name and a surname side by side inside a sentence ("updates on
            // Marco Romano's recovery"), even when both are also words.
            let sentence_start = text[..t.start]
                .trim_end()
                .ends_with(['.', '!', '?', ':', '\n', '"', '“'])
                || text[..t.start].trim().is_empty();
            let given_surname = run.len() == 2
                && !sentence_start
                && run[0].word.given
                && (run[0].word.popular || !run[0].word.dictionary)
                && run[1].word.surname
                && !run.iter().any(|t| t.word.common)
                && !run.iter().all(|t| t.word.place);
            if is_name || given_surname {
                found.push((run[0].start, run[run.len() - 1].end));
                i = j + 1;
            } else if (t.word.name_like() || t.word.unknown()) && cued() {
                found.push((t.start, t.end));
                i += 1;
            } else {
                // "Partner Emeka", "Updates Marco Romano": the run may start one word on.
                i += 1;
            }
            continue;
        }
        if t.lowercase && t.word.name_like() {
            let next = tokens.get(i + 1).filter(|n| joined(t, n));
            // Both at least four letters: short lowercase words of other languages are
            // in the name lists too ("en la", "ay sa").
            // Words that are also English words only after a given name in wide use:
            // "john smith", not "holiday rota" nor "edit link".
            if let Some(n) = next
                && t.word.given
                && (t.word.popular || !(t.word.dictionary || n.word.dictionary))
                && n.lowercase
                && n.word.surname
                && !n.word.common
                && t.text.chars().count() >= 4
                && n.text.chars().count() >= 4
            {
                found.push((t.start, n.end));
                i += 2;
                continue;
            }
            let before = window_before(text, t.start, 48);
            // A lowercase given name before a handover's age ("gary, 45, presented").
            let before_an_age = LOWER_NAME_AGE.is_match(&text[t.end..]);
            if ((CUE_BEFORE.is_match(before) || RELATION_BEFORE.is_match(before))
                && !t.word.dictionary)
                || ((SOFT_CUE_BEFORE.is_match(before) || before_an_age)
                    && t.word.given
                    && (t.word.popular || t.word.clearly_a_name()))
            {
                found.push((t.start, t.end));
            }
        }
        i += 1;
    }
    found
}
