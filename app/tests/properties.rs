//! Property tests of the parsers that read what anyone may send: whatever the input, the
//! sign-in destination stays on this site, rendered Markdown holds only allowed tags, PHI
//! spans lie on character boundaries with start < end, and list sources and case ids
//! parse to what they name or to nothing, without panicking.

use proptest::prelude::*;

use app::api::auth::safe_next;
use app::domain::markdown;
use app::domain::moderation::parse_case_id;
use app::domain::phi;
use app::model::PostSource;

/// Text that mixes what attacks are made of: slashes, backslashes, controls, bidi
/// overrides, NUL, tags, quotes, schemes, and any other char.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("/".to_string()),
        Just("//".to_string()),
        Just("\\".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{202e}".to_string()),
        Just("<script>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("javascript:".to_string()),
        Just("\"'".to_string()),
        Just("@evil.example".to_string()),
        Just("evil.example".to_string()),
        Just("MRN 4839201".to_string()),
        Just("(617) 555-0142".to_string()),
        Just("née Zoë".to_string()),
        any::<char>().prop_map(String::from),
        "[a-z0-9 .:?#=&%-]{0,8}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// Tags ammonia keeps by default (plus what Markdown makes): nothing that runs script.
const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "ins",
    "kbd",
    "li",
    "map",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .filter_map(|t| {
            let name: String = t
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            (!name.is_empty()).then(|| name.to_ascii_lowercase())
        })
        .collect()
}

proptest! {
    // 600 cases each, in CI; a failure prints its shrunk input (nothing is written to
    // the source tree).
    #![proptest_config(ProptestConfig {
        cases: 600,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_sign_in_destination_is_always_a_same_site_path(next in hostile()) {
        if let Some(to) = safe_next(Some(&next)) {
            prop_assert!(to.starts_with('/'));
            prop_assert!(!to.starts_with("//"));
            prop_assert!(!to.contains('\\'));
            prop_assert!(!to.chars().any(char::is_control));
            // What a browser makes of it after stripping tabs and newlines is still a path.
            let stripped: String = to.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
            prop_assert!(!stripped.starts_with("//"));
            prop_assert!(http::HeaderValue::from_str(&to).is_ok());
        }
    }

    #[test]
    fn rendered_markdown_holds_only_allowed_tags(text in hostile()) {
        let html = markdown::render(&text);
        for tag in tags(&html) {
            prop_assert!(ALLOWED_TAGS.contains(&tag.as_str()), "{tag} in {html}");
        }
        // No event handler attribute inside a tag, and no link to a script.
        let tag_with_handler = regex::Regex::new(r"(?i)<[a-z][^>]*\son[a-z]+\s*=").unwrap();
        prop_assert!(!tag_with_handler.is_match(&html), "handler in {html}");
        let script_link = regex::Regex::new(r#"(?i)(href|src)\s*=\s*"\s*javascript:"#).unwrap();
        prop_assert!(!script_link.is_match(&html), "script link in {html}");
    }

    #[test]
    fn phi_spans_are_ordered_and_on_character_boundaries(text in hostile()) {
        for f in phi::scan(&text) {
            prop_assert!(f.start < f.end, "{f:?}");
            prop_assert!(f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            prop_assert_eq!(&text[f.start..f.end], f.text.as_str());
        }
    }

    #[test]
    fn a_list_source_parses_to_the_path_it_came_from_or_to_nothing(path in hostile()) {
        if let Some(source) = PostSource::from_path(&path) {
            prop_assert_eq!(source.path(), path);
        }
    }

    #[test]
    fn a_case_id_names_a_known_kind_and_a_plain_key(id in hostile()) {
        if let Some((kind, item)) = parse_case_id(&id) {
            prop_assert_eq!(format!("{}:{item}", kind.as_str()), id);
            prop_assert!(item.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        }
    }
}
