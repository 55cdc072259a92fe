//! The PHI guard against labelled corpora: its own synthetic corpus (`tests/phi/corpus.txt`,
//! held to recall ≥ 0.97 and precision ≥ 0.90), posts written by another hand
//! (`tests/phi/heldout_others.txt`, only scored), and posts generated from another hand's
//! templates and values (`tests/phi/generator/`, a tuning half and a held-out half). Each
//! prints precision and recall per kind and overall. A finding counts when it overlaps a
//! labelled span of the same kind.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use app::domain::phi;
use app::model::PhiKind;

struct Example {
    line: usize,
    text: String,
    spans: Vec<(PhiKind, usize, usize)>,
}

/// Parses `[[kind:text]]` markup into plain text and labelled byte spans.
fn parse(line_no: usize, raw: &str) -> Example {
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut rest = raw;
    while let Some(open) = rest.find("[[") {
        text.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("]]")
            .unwrap_or_else(|| panic!("line {line_no}: unclosed [["));
        let (kind, value) = after[..close]
            .split_once(':')
            .unwrap_or_else(|| panic!("line {line_no}: label without kind"));
        let kind = PhiKind::parse(kind).unwrap_or_else(|| panic!("line {line_no}: kind {kind}"));
        let start = text.len();
        text.push_str(value);
        spans.push((kind, start, text.len()));
        rest = &after[close + 2..];
    }
    text.push_str(rest);
    Example {
        line: line_no,
        text,
        spans,
    }
}

/// The examples of a corpus file: one per line, `#` comments and blank lines skipped.
fn examples(file: &str) -> Vec<Example> {
    file.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| parse(i + 1, l))
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Tally {
    labelled: usize,
    found_labelled: usize,
    reported: usize,
    reported_right: usize,
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

/// With `PHI_SHOW_TEXT=1`, the whole example after a miss (for tuning corpora only).
fn context(ex: &Example) -> String {
    if std::env::var_os("PHI_SHOW_TEXT").is_some() {
        format!("\n      in: {}", ex.text)
    } else {
        String::new()
    }
}

/// Scores the guard on `examples`: prints precision and recall per kind and overall, and
/// returns (precision, recall). A finding counts when it overlaps a labelled span of the
/// same kind. With `show_misses` it also prints every miss and false alarm — never for a
/// held-out corpus, whose sentences must not be seen by whoever tunes the rules.
fn score(name: &str, examples: &[Example], show_misses: bool) -> (f64, f64) {
    let negatives = examples.iter().filter(|e| e.spans.is_empty()).count();
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    let mut per_kind: BTreeMap<PhiKind, Tally> = BTreeMap::new();
    // Whatever the kind: what the author is shown is the highlight, not its kind's name.
    let mut any_kind = Tally::default();
    let mut misses = Vec::new();
    for ex in examples {
        let found = phi::scan(&ex.text);
        for f in &found {
            any_kind.reported += 1;
            if ex
                .spans
                .iter()
                .any(|s| overlaps((s.1, s.2), (f.start, f.end)))
            {
                any_kind.reported_right += 1;
            }
        }
        for s in &ex.spans {
            any_kind.labelled += 1;
            if found.iter().any(|f| overlaps((s.1, s.2), (f.start, f.end))) {
                any_kind.found_labelled += 1;
            }
        }
        for f in &found {
            assert_eq!(&ex.text[f.start..f.end], f.text, "offsets are byte offsets");
            let t = per_kind.entry(f.kind).or_default();
            t.reported += 1;
            if ex
                .spans
                .iter()
                .any(|s| s.0 == f.kind && overlaps((s.1, s.2), (f.start, f.end)))
            {
                t.reported_right += 1;
            } else {
                misses.push(format!(
                    "line {}: false {} {:?}{}",
                    ex.line,
                    f.kind.as_str(),
                    f.text,
                    context(ex)
                ));
            }
        }
        for s in &ex.spans {
            let t = per_kind.entry(s.0).or_default();
            t.labelled += 1;
            if found
                .iter()
                .any(|f| f.kind == s.0 && overlaps((s.1, s.2), (f.start, f.end)))
            {
                t.found_labelled += 1;
            } else {
                misses.push(format!(
                    "line {}: missed {} {:?}{}",
                    ex.line,
                    s.0.as_str(),
                    &ex.text[s.1..s.2],
                    context(ex)
                ));
            }
        }
    }
    println!(
        "{name}: {} examples ({negatives} without identifiers)",
        examples.len()
    );
    println!(
        "{:<16} {:>8} {:>8} {:>10} {:>8}",
        "kind", "labelled", "reported", "precision", "recall"
    );
    let mut total = Tally::default();
    for (kind, t) in &per_kind {
        println!(
            "{:<16} {:>8} {:>8} {:>10.3} {:>8.3}",
            kind.as_str(),
            t.labelled,
            t.reported,
            ratio(t.reported_right, t.reported),
            ratio(t.found_labelled, t.labelled)
        );
        total.labelled += t.labelled;
        total.found_labelled += t.found_labelled;
        total.reported += t.reported;
        total.reported_right += t.reported_right;
    }
    let precision = ratio(total.reported_right, total.reported);
    let recall = ratio(total.found_labelled, total.labelled);
    println!(
        "{:<16} {:>8} {:>8} {:>10.3} {:>8.3}",
        "overall", total.labelled, total.reported, precision, recall
    );
    println!(
        "{:<16} {:>8} {:>8} {:>10.3} {:>8.3}",
        "any kind",
        any_kind.labelled,
        any_kind.reported,
        ratio(any_kind.reported_right, any_kind.reported),
        ratio(any_kind.found_labelled, any_kind.labelled)
    );
    if show_misses {
        for m in &misses {
            println!("  {m}");
        }
    }
    (precision, recall)
}

#[test]
fn corpus_precision_and_recall_meet_the_targets() {
    let examples = examples(include_str!("phi/corpus.txt"));
    assert!(
        examples.len() >= 300,
        "corpus has {} examples",
        examples.len()
    );
    let (precision, recall) = score("PHI corpus", &examples, true);
    assert!(recall >= 0.97, "overall recall {recall:.3} < 0.97");
    assert!(precision >= 0.90, "overall precision {precision:.3} < 0.90");
}

/// The guard on 320 posts written by another hand that never saw its rules
/// (`phi/heldout_others.txt`). Scored only from stop 20 to stop 41; since then a
/// development set, whose misses are printed, because its per-kind numbers had steered
/// eight rounds of rules. The set that is only scored is now `heldout_others2.txt`.
#[test]
fn posts_written_by_others_first_set_do_not_lose_ground() {
    let corpus = include_str!("phi/heldout_others.txt");
    let name = "written by others (first set, development)";
    scored_file(name, corpus, true, OTHERS_FIRST_FLOORS);
}

/// The guard on 302 posts written by a second hand that never saw its rules nor any other
/// corpus (`phi/heldout_others2.txt`, 331 identifiers, 130 posts without one). Only
/// scored: its sentences are never printed, so nobody tunes on them.
#[test]
fn held_out_posts_written_by_others_do_not_lose_ground() {
    let corpus = include_str!("phi/heldout_others2.txt");
    let name = "held-out (written by others, second set)";
    scored_file(name, corpus, false, HELD_OUT_FLOORS);
}

/// Scores a corpus file of at least 300 posts and fails below its floors.
fn scored_file(name: &str, corpus: &str, show_misses: bool, floors: (f64, f64)) {
    let examples = examples(corpus);
    assert!(
        examples.len() >= 300,
        "{name} has {} examples",
        examples.len()
    );
    let scored = score(&format!("PHI {name}"), &examples, show_misses);
    at_least(name, scored, floors);
}

/// Fails when (precision, recall) is below its floors.
fn at_least(name: &str, (precision, recall): (f64, f64), (p_floor, r_floor): (f64, f64)) {
    assert!(recall >= r_floor, "{name}: recall {recall:.3} < {r_floor}");
    assert!(
        precision >= p_floor,
        "{name}: precision {precision:.3} < {p_floor}"
    );
}

/// Where the guard stands on the first set written by others; each improvement raises
/// them. Added at recall 0.434, precision 0.953 (371 identifiers); after plain-speech ages,
/// national phones, place ZIPs and postcodes, schemeless links and more cue words: 0.588 /
/// 0.960; after the name lists, dates leaning to recall, spelled ages, cues a few words
/// away, bare record numbers, plates and addresses abroad: 0.811 / 0.935; after runs of
/// unknown words, honorifics abroad and softer cues: 0.833 / 0.937; after cues a sentence
/// away, relatives and lowercase titles as cues, initials, postcodes after addresses and
/// ages in more phrasings (tuned on this set's misses): 0.955 / 0.965; after phones and
/// device words right before their values and national ID shapes: 0.966 / 0.981.
/// (precision, recall).
const OTHERS_FIRST_FLOORS: (f64, f64) = (0.96, 0.98);
/// Where the guard stands on the second set, only scored: first measured 0.948 / 0.870,
/// then 0.959 / 0.909 after the rules tuned on the first set, 0.962 / 0.912 after the
/// second round. (precision, recall).
const HELD_OUT_FLOORS: (f64, f64) = (0.96, 0.91);

#[test]
fn clinical_numbers_alone_are_not_identifiers() {
    for text in [
        "Metformin 500 mg BID, A1c 7.9%, BP 138/84, HR 72, eGFR 61.",
        "ICD-10 I10 and E78.5; PMID 33301246; DOI 10.1056/NEJMoa2034577.",
        "An 89-year-old in room 12 with an INR of 3.4 in 2024.",
    ] {
        assert!(phi::scan(text).is_empty(), "{text}: {:?}", phi::scan(text));
    }
}

#[test]
fn findings_carry_byte_offsets_into_multibyte_text() {
    let text = "Café visit — call José at 617-555-0142 • MRN 99887766";
    let found = phi::scan(text);
    let phone = found.iter().find(|f| f.kind == PhiKind::Phone).unwrap();
    assert_eq!(&text[phone.start..phone.end], "617-555-0142");
    let mrn = found
        .iter()
        .find(|f| f.kind == PhiKind::MedicalRecord)
        .unwrap();
    assert_eq!(mrn.text, "99887766");
}

/// Posts generated from templates and identifier values written by another hand, who never
/// saw the guard's rules (`phi/generator/`): 8 voices, every kind, many locales. Templates
/// and values are split by a hash of their text into a tuning half, whose misses are
/// printed, and a held-out half that is only ever scored — its posts reuse neither a
/// template nor a value of the tuning half.
mod generated {
    use super::*;

    pub struct Corpus {
        pub tuning: Vec<Example>,
        pub held_out: Vec<Example>,
    }

    /// FNV-1a: a stable hash, so a line's half does not change when others are added.
    fn fnv(s: &str) -> u64 {
        s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    fn held_out(line: &str) -> bool {
        fnv(line.trim()) % 2 == 1
    }

    /// SplitMix64: the same posts on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    fn values(file: &str) -> BTreeMap<PhiKind, (Vec<&str>, Vec<&str>)> {
        let mut out: BTreeMap<PhiKind, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
        let mut kind = None;
        for line in file.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(k) = line.strip_prefix("== ") {
                kind = Some(PhiKind::parse(k.trim()).unwrap_or_else(|| panic!("kind {k}")));
                continue;
            }
            let k = kind.expect("a value before any `== kind` line");
            let halves = out.entry(k).or_default();
            if held_out(line) {
                halves.1.push(line);
            } else {
                halves.0.push(line);
            }
        }
        out
    }

    /// Fills one template: each `{kind}` gets a value of its half, labelled with its span.
    fn fill(
        line_no: usize,
        template: &str,
        pool: &dyn Fn(PhiKind) -> Vec<&'static str>,
        rng: &mut Rng,
    ) -> Example {
        let mut text = String::new();
        let mut spans = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let Some(kind) = PhiKind::parse(&rest[open + 1..open + close]) else {
                text.push_str(&rest[..open + 1]);
                rest = &rest[open + 1..];
                continue;
            };
            text.push_str(&rest[..open]);
            let value = rng.pick(&pool(kind));
            let start = text.len();
            text.push_str(value);
            spans.push((kind, start, text.len()));
            rest = &rest[open + close + 1..];
        }
        text.push_str(rest);
        Example {
            line: line_no,
            text,
            spans,
        }
    }

    /// Each template with slots filled `times` times; one without slots appears once.
    pub fn corpus(times: usize) -> Corpus {
        let values = values(include_str!("phi/generator/values.txt"));
        let mut corpus = Corpus {
            tuning: Vec::new(),
            held_out: Vec::new(),
        };
        let mut rng = Rng(21);
        for (i, line) in include_str!("phi/generator/templates.txt")
            .lines()
            .enumerate()
        {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let template = line.split_once("] ").map_or(line, |(_, t)| t);
            let hold = held_out(line);
            let pool = |kind: PhiKind| {
                let (tune, held) = &values[&kind];
                if hold { held.clone() } else { tune.clone() }
            };
            let n = if template.contains('{') { times } else { 1 };
            for _ in 0..n {
                let ex = fill(i + 1, template, &pool, &mut rng);
                if hold {
                    corpus.held_out.push(ex);
                } else {
                    corpus.tuning.push(ex);
                }
            }
        }
        corpus
    }
}

/// The tuning half of the generated corpus: scored, and every miss and false alarm shown.
#[test]
fn generated_tuning_posts_meet_the_floors() {
    let corpus = generated::corpus(GENERATED_TIMES);
    let scored = score("PHI generated (tuning half)", &corpus.tuning, true);
    at_least("generated (tuning half)", scored, GENERATED_FLOORS);
}

/// The held-out half of the generated corpus: only scored, never shown.
#[test]
fn generated_held_out_posts_meet_the_floors() {
    let corpus = generated::corpus(GENERATED_TIMES);
    assert!(
        corpus.held_out.len() >= 300,
        "{} held-out posts",
        corpus.held_out.len()
    );
    let scored = score("PHI generated (held-out half)", &corpus.held_out, false);
    at_least("generated (held-out half)", scored, GENERATED_FLOORS);
}

/// How many posts each template with slots gives (with different values each time).
const GENERATED_TIMES: usize = 4;
/// Where the guard stands on both halves (first measured: tuning 0.836 / 0.954, held-out
/// 0.784 / 0.922; after runs of unknown words, honorifics abroad and softer cues:
/// tuning 0.892 / 0.957, held-out 0.803 / 0.914; after the cue and shape rules of stop
/// 42: tuning 0.967 / 0.981, held-out 0.929 / 0.838); each improvement raises them.
/// (precision, recall).
const GENERATED_FLOORS: (f64, f64) = (0.92, 0.83);
