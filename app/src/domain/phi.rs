//! The PHI guard: finds likely patient identifiers (the HIPAA Safe Harbor kinds that turn
//! up in posts) in free text before it is published. Pure Rust — rules, small
//! dictionaries and context words; no network and no model.
//!
//! How it decides, per kind:
//! - **Format-only** kinds are matched by shape alone because clinical text never uses
//!   that shape for anything else: emails, US SSNs (`123-45-6789`), phone numbers
//!   (`(617) 555-0142`, `617-555-0142`, `+44 20 7946 0958`), IPv4/IPv6 addresses,
//!   ZIP+4 codes, VINs, street addresses (number + capitalised street name + suffix).
//! - **Context** kinds need a cue word just before the number, because the same digits are
//!   often clinical: record/plan/account/licence/serial/plate numbers (`MRN 4839201`,
//!   `member ID XJH4412093`), bare 10-digit phones (`call 6175550142`), faxes (`fax:`),
//!   5-digit ZIPs (after a state code or "ZIP"), ages (only > 89: `92-year-old`,
//!   `aged 95`, `91F`), dates (a day-precise date — never a year alone — unless its
//!   sentence is about a publication, guideline, meeting or approval rather than a person;
//!   a slash date without a year only after "on", "DOB", "admitted"…), names (after
//!   Mr/Mrs/Ms, after "patient", "named", "my daughter", "her husband"…, before
//!   ", a 45-year-old", or a common first name followed by a capitalised surname — but
//!   not after Dr/Prof, not before "et al.", and not disease eponyms).
//! - **URLs** are identifiers unless they point at reference sources (DOI, PubMed,
//!   journals, .gov/.edu/.int, major societies): a personal page, profile or fundraiser
//!   can identify a patient; a guideline link cannot.
//!
//! Clinical numbers — doses, lab values, vitals, ICD codes, DOIs/PMIDs, years, ages ≤ 89,
//! room numbers — match none of these rules by construction. `app/tests/phi.rs` measures
//! precision and recall per kind on a labelled synthetic corpus.
//!
//! Over 600 lines on purpose: the rules are one pipeline over shared regexes and
//! dictionaries, read top to bottom; split, each kind's rule would lose sight of the
//! others it must not overlap.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::error::AppError;
use crate::model::{PhiFinding, PhiKind};

/// Runs the PHI guard on text about to be published: findings stop it unless the author
/// confirmed; returns the kinds confirmed (recorded with the post or comment).
pub fn guard_phi(field: &str, text: &str, confirmed: bool) -> Result<Vec<String>, AppError> {
    let findings = scan(text);
    if findings.is_empty() {
        return Ok(Vec::new());
    }
    if !confirmed {
        return Err(AppError::phi(field, findings));
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
    for m in SSN.find_iter(text) {
        add(PhiKind::Ssn, m.start(), m.end());
    }
    for c in SSN_CONTEXT.captures_iter(text) {
        group(&c, 1, PhiKind::Ssn, &mut add);
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
        let kind = if FAX_BEFORE.is_match(window_before(text, m.start(), 24)) {
            PhiKind::Fax
        } else {
            PhiKind::Phone
        };
        add(kind, m.start(), m.end());
    }
    for c in PHONE_CONTEXT.captures_iter(text) {
        let kind = if c[0].to_ascii_lowercase().contains("fax") {
            PhiKind::Fax
        } else {
            PhiKind::Phone
        };
        group(&c, 1, kind, &mut add);
    }
    for (kind, re) in ID_CONTEXTS.iter() {
        for c in re.captures_iter(text) {
            if let Some(id) = c.get(1)
                && (looks_like_id(id.as_str())
                    || (*kind == PhiKind::Device && looks_like_serial(id.as_str())))
            {
                add(*kind, id.start(), id.end());
            }
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
    for m in ADDRESS.find_iter(text).chain(PO_BOX.find_iter(text)) {
        add(PhiKind::Address, m.start(), m.end());
    }
    for c in LIVES_ON.captures_iter(text) {
        group(&c, 1, PhiKind::Address, &mut add);
    }
    for m in ZIP4.find_iter(text) {
        add(PhiKind::Zip, m.start(), m.end());
    }
    for c in ZIP_CONTEXT.captures_iter(text) {
        group(&c, 1, PhiKind::Zip, &mut add);
    }
    for c in ZIP_PLACE.captures_iter(text) {
        if let Some(m) = c.get(1)
            && !QUANTITY_AFTER.is_match(&text[m.end()..])
        {
            add(PhiKind::Zip, m.start(), m.end());
        }
    }
    for m in POSTCODE.find_iter(text) {
        add(PhiKind::Zip, m.start(), m.end());
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
    for c in AGE_PLAIN.captures_iter(text) {
        let Some(m) = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)) else {
            continue;
        };
        if m.as_str()
            .parse::<u32>()
            .is_ok_and(|age| (90..=125).contains(&age))
            && !NOT_AN_AGE_AFTER.is_match(&text[m.end()..])
            && !TEMPERATURE_BEFORE.is_match(window_before(text, m.start(), 24))
        {
            add(PhiKind::Age, m.start(), m.end());
        }
    }
    dates(text, &mut add);
    names(text, &mut add);
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

/// An identifier after a cue word has digits in it (so "MRN on file" is not one).
fn looks_like_id(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    s.len() >= 4 && digits >= 3
}

/// A device serial after its cue may be short and mostly letters ("transmitter ID 8G4KQ2").
fn looks_like_serial(s: &str) -> bool {
    s.len() >= 5
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_uppercase())
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("PHI pattern compiles")
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

static SSN_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:ssn|ss#|social security(?: number| no\.?| #)?)\s*(?:is|was|:|#)?\s*(\d{9}|\d{3} \d{2} \d{4})\b",
    )
});

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
    re(
        r"(?i)\b(?:call|phone|tel|telephone|cell|mobile|text|fax|pager|reach (?:me|her|him|them|us) at)\b[^\d\n]{0,12}(\d{10})\b",
    )
});

static FAX_BEFORE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bfax(?:ed)?\b[^\d\n]*$"));

/// Cue words that announce an identifier of each kind, then the identifier itself.
static ID_CONTEXTS: LazyLock<Vec<(PhiKind, Regex)>> = LazyLock::new(|| {
    let tail = r"(?:\s*(?:number|num|no\.?|#|id|is|was|of|:|-))*\s*[:#]?\s*([A-Za-z0-9][A-Za-z0-9-]{3,24})";
    let cue = |kind: PhiKind, words: &str| (kind, re(&format!(r"(?i)\b(?:{words}){tail}")));
    vec![
        cue(
            PhiKind::MedicalRecord,
            r"mrn|medical record(?: number)?|med rec|chart(?: number| no\.?| #)?|patient (?:id|number)|hospital number|record (?:number|no\.?|#)|encounter (?:number|id)|nhs number|uhid|ur number|urn",
        ),
        cue(
            PhiKind::HealthPlan,
            r"member id|subscriber id|policy(?: number)?|health plan(?: id| number)?|insurance(?: id| number| no\.?| card)|medicaid(?: id| number)?|medicare(?: id| number)?|mbi|group number|beneficiary (?:id|number)",
        ),
        cue(
            PhiKind::Account,
            r"account|acct\.?|billing (?:number|id|account)|invoice(?: number| no\.?| #)?|claim(?: number| no\.?| #| id| ref(?:erence)?)?|case (?:number|no\.?|#|id|ref(?:erence)?)|reference (?:number|no\.?|#)|ref(?: no\.?| #)",
        ),
        cue(
            PhiKind::License,
            r"driver'?s licen[cs]e|driving licen[cs]e|licen[cs]e(?: number| no\.?| #)?|cdl|dl(?: number| no\.?| #)|permit(?: number| no\.?| #)?|passport(?: number| no\.?| #)?|certificate(?: number| no\.?| #)?|dea(?: number| #)?",
        ),
        cue(
            PhiKind::Device,
            r"serial(?: number| no\.?| #)?|s/n|sn|device (?:id|serial)|udi|imei|implant (?:id|serial|number)|transmitter(?: id| serial| sn)?|(?:pump|pacemaker|icd|defibrillator|sensor|cgm|stimulator|hearing aid|cochlear implant)(?: id| serial(?: number)?| sn| number)|lot(?: number| no\.?| #)",
        ),
        cue(
            PhiKind::Vehicle,
            r"licen[cs]e plate|plate(?: number| no\.?| #)?|vin|vehicle identification number",
        ),
    ]
});

static VIN: LazyLock<Regex> = LazyLock::new(|| re(r"\b[A-HJ-NPR-Z0-9]{17}\b"));

const STREET_SUFFIX: &str = r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Square|Sq|Trail|Trl|Row|Close|Crescent)";

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b\d{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z'-]+\.?\s+){{1,3}}{STREET_SUFFIX}\b\.?(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*[A-Za-z0-9-]+)?"
    ))
});

static PO_BOX: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bP\.?\s?O\.?\s+Box\s+\d+\b"));

static LIVES_ON: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:lives|lived|living|resides|stays|home) (?:on|at) ((?:[A-Z][A-Za-z'-]+\s+){{1,3}}{STREET_SUFFIX})\b"
    ))
});

static ZIP4: LazyLock<Regex> = LazyLock::new(|| re(r"\b\d{5}-\d{4}\b"));

/// A bare five-digit ZIP where a place is meant: "we're in 90210", "from 83440", "they
/// don't cover 15108". Not before a unit or a range ("in 10000 patients", "from 15000 to").
static ZIP_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:in|from|near|to|cover|covers|covered|serve|serves|area|live in|lives in|moved to)\s+(\d{5})\b",
    )
});

/// Words after a number that make it a quantity, not a place.
static QUANTITY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:to\b|-|–|patients?|people|cases|cells|units|iu|mg|mcg|ml|kg|g\b|steps|calories|kcal|dollars|usd|\$|%|per|/|x\b|times|deaths|admissions|visits|members|babies|births|women|men|children|adults|doses|samples|tests)",
    )
});

/// UK postcodes ("SW1A 1AA", "M1 1AE") and Canadian postal codes ("K1A 0B1"): shapes
/// no clinical text uses.
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s\d[ABD-HJLNP-UW-Z]{2}|[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\s?\d[ABCEGHJ-NPRSTV-Z]\d)\b",
    )
});

static ZIP_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\s+|(?i:\bzip(?: code)?|\bpostal code|\bzipcode)\s*(?:is|of|:)?\s*)(\d{5})\b",
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
    ]
});

/// An age said plainly about a person: "she's 90", "my grandfather is 99", "Mrs X is 96",
/// "Mrs X, 102,". Checked for a unit after it ([`NOT_AN_AGE_AFTER`]).
static AGE_PLAIN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:\b(?:she|he|they|mom|mum|mother|dad|father|grandma|grandpa|grandmother|grandfather|gran|granny|nan|nana|nanna|abuela|abuelo|aunt|auntie|uncle|husband|wife|patient|pt|resident|client|neighbou?r)(?:'s|’s| is| was| is now| will be| just turned| would have been))\s+(\d{2,3})\b|\b(?:Mr|Mrs|Ms|Miss)\.?\s+\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)?(?:,\s*| is | was )(\d{2,3})\b|\b\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)?,\s*(\d{2,3}),",
    )
});

/// What after a number makes it a measure, not an age ("he's 95 kg", "she is 92% sure").
static NOT_AN_AGE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:%|percent|per cent|kg|kilos?|lbs?|pounds|cm|mm|mmhg|bpm|mg|ml|units|minutes|mins|hours|days|weeks|months|km|miles|metres|meters|times|/|\.\d|:\d|x\b|degrees|°)",
    )
});

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
        // 14 March 2024, 14th of March
        re(&format!(
            r"\b(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}\b\.?(?:,?\s+\d{{4}}\b)?"
        )),
    ]
});

/// A day of the month alone, where a date is meant: "on the 21st", "since the 3rd".
static DAY_OF_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:on|since|from|until|by|before|after) the ((?:[12]?\d|3[01])(?:st|nd|rd|th))\b")
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
/// A date in a sentence without any ("the guideline was published on March 3") is about
/// a publication, rule or event and identifies nobody.
static PERSONAL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:he|she|him|his|her|hers|born|dob|d\.o\.b|birthday|admitted|admission|discharged|died|death|passed away|seen|delivered|diagnosed|surgery|operation|procedure|chemo|visit|appointment|seizure|fell|injured|my (?:son|daughter|mom|mother|dad|father|husband|wife|baby|partner|brother|sister)|patient'?s?|pt)\b",
    )
});

fn dates(text: &str, add: &mut impl FnMut(PhiKind, usize, usize)) {
    let personal = |start: usize, end: usize| {
        let sentence = sentence_around(text, start, end);
        PERSONAL_DATE.is_match(sentence)
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
        // "on the 2nd of November" is judged whole above.
        let whole = text[m.end()..].trim_start().starts_with("of ");
        if !whole && personal(m.start(), m.end()) {
            add(PhiKind::Date, m.start(), m.end());
        }
    }
}

/// The sentence (or line) containing `start..end`.
fn sentence_around(text: &str, start: usize, end: usize) -> &str {
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
    &text[from..to]
}

/// A capitalised name word in any script with case: "Okafor", "Wiśniewski", "Al-Sayed",
/// "O'Brien", "Nguyễn".
const NAME: &str = r"\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}\p{Ll}+)?";

static HONORIFIC: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:Mr|Mrs|Ms|Mx|Miss)\.?\s+{NAME}(?:\s+{NAME})?"
    ))
});

/// A cue that a person's name follows: patients, relatives, "named".
static NAME_CUE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i:\b(?:patient|pt\.?|client|resident|named|name is|name was|called|(?:my|his|her|their|our|the patient's|patient's|pt's) (?:son|daughter|husband|wife|mom|mum|mother|dad|father|brother|sister|grandmother|grandfather|grandma|grandpa|grandson|granddaughter|partner|boyfriend|girlfriend|baby|child|kid|nephew|niece|aunt|uncle|cousin|caregiver|fiancée?|neighbou?r|roommate)|(?:mom|mum|mother|dad|father|grandma|grandpa|granny|nana|baby) (?:is|was|named|called)|name on (?:the )?(?:id|file|chart|wristband|card)\s*:?|\d{{1,2}}\s?(?:yo|y/o|yr old|year old)))\b(?:\s*:)?,?\s+(?:(?i:is|was)\s+)?({NAME}(?:\s+{NAME})?)"
    ))
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
    LazyLock::new(|| re(&format!(r"\b({FIRST_NAMES})\s+({NAME})\b")));

const FIRST_NAMES: &str = "James|John|Robert|Michael|William|David|Richard|Joseph|Thomas|Charles|Christopher|Daniel|Matthew|Anthony|Mark|Donald|Steven|Paul|Andrew|Joshua|Kenneth|Kevin|Brian|George|Timothy|Ronald|Edward|Jason|Jeffrey|Ryan|Jacob|Gary|Nicholas|Eric|Jonathan|Stephen|Larry|Justin|Scott|Brandon|Benjamin|Samuel|Gregory|Frank|Alexander|Raymond|Patrick|Jack|Dennis|Jerry|Tyler|Aaron|Jose|Adam|Henry|Nathan|Douglas|Zachary|Peter|Kyle|Walter|Ethan|Jeremy|Harold|Keith|Christian|Roger|Noah|Gerald|Carl|Terry|Sean|Austin|Arthur|Lawrence|Jesse|Dylan|Bryan|Joe|Jordan|Billy|Bruce|Albert|Willie|Gabriel|Logan|Alan|Juan|Wayne|Roy|Ralph|Randy|Eugene|Vincent|Russell|Elijah|Louis|Bobby|Philip|Johnny|Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|Susan|Jessica|Sarah|Karen|Nancy|Lisa|Betty|Margaret|Sandra|Ashley|Kimberly|Emily|Donna|Michelle|Dorothy|Carol|Amanda|Melissa|Deborah|Stephanie|Rebecca|Sharon|Laura|Cynthia|Kathleen|Amy|Shirley|Angela|Helen|Anna|Brenda|Pamela|Nicole|Emma|Samantha|Katherine|Christine|Debra|Rachel|Catherine|Carolyn|Janet|Ruth|Maria|Heather|Diane|Virginia|Julie|Joyce|Victoria|Olivia|Kelly|Christina|Lauren|Joan|Evelyn|Judith|Megan|Cheryl|Andrea|Hannah|Martha|Jacqueline|Frances|Gloria|Ann|Teresa|Kathryn|Sara|Janice|Jean|Alice|Madison|Doris|Abigail|Julia|Judy|Grace|Denise|Amber|Marilyn|Beverly|Danielle|Theresa|Sophia|Marie|Diana|Brittany|Natalie|Isabella|Charlotte|Rose|Alexis|Kayla|Luis|Carlos|Miguel|Jorge|Pedro|Rosa|Carmen|Ana|Sofia|Lucia|Mohammed|Muhammad|Ahmed|Ali|Fatima|Aisha|Omar|Hassan|Wei|Li|Mei|Hiroshi|Yuki|Priya|Raj|Anil|Sunita|Deepak|Kwame|Amara|Chinedu|Ngozi|Olga|Ivan|Dmitri|Sven|Ingrid|Liam|Mason|Lucas|Oliver|Aiden|Ava|Mia|Harper|Ella|Chloe|Zoe|Lily|Leah|Nora|Camila|Mateo|Diego|Valentina|Ximena|Tomas|Marta|Jakub|Aleksandra";

/// Capitalised words that start sentences or name diseases, not people.
const NOT_A_NAME: &[&str] = &[
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

fn names(text: &str, add: &mut impl FnMut(PhiKind, usize, usize)) {
    let words_ok = |s: &str| {
        s.split_whitespace()
            .all(|w| !NOT_A_NAME.contains(&w.strip_suffix("'s").unwrap_or(w)))
    };
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
        add(PhiKind::Name, m.start(), m.end());
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
                    add(PhiKind::Name, m.start(), end);
                }
            }
        }
    }
    for c in NAME_BEFORE_AGE.captures_iter(text) {
        if let Some(m) = c.get(1).or_else(|| c.get(2))
            && words_ok(m.as_str())
            && before_ok(m.start())
        {
            add(PhiKind::Name, m.start(), m.end());
        }
    }
    for c in SURNAME_GIVEN.captures_iter(text) {
        if let Some(m) = c.get(1)
            && words_ok(&m.as_str().replace(',', ""))
        {
            add(PhiKind::Name, m.start(), m.end());
        }
    }
    for m in FIRST_LAST.find_iter(text) {
        if words_ok(m.as_str()) && before_ok(m.start()) && after_ok(m.end()) {
            add(PhiKind::Name, m.start(), m.end());
        }
    }
}
