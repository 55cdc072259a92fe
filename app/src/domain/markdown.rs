//! Markdown to safe HTML: pulldown-cmark renders CommonMark (plus strikethrough and
//! tables), raw HTML in the source is shown as text, headings are demoted below the page's
//! own, and ammonia sanitizes the result (no script, style, event handler, image or
//! `javascript:` URL survives; links get `rel="nofollow noopener noreferrer ugc"`).

use std::collections::HashSet;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Renders member-written Markdown to sanitized HTML.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let demote = |level: HeadingLevel| match level {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H3,
        other => other,
    };
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        // Raw HTML is never interpreted: it shows as the text that was typed.
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        // Posts sit under the page's h1/h2: keep the outline valid.
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    ammonia::Builder::default()
        // Images can track readers and leak identifying photos: links only.
        .rm_tags(["img"])
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow noopener noreferrer ugc"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_markdown() {
        let html = render("**Bold** and [a link](https://example.org)\n\n# Title");
        assert!(html.contains("<strong>Bold</strong>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.org" rel="nofollow noopener noreferrer ugc">a link</a>"#
            ),
            "{html}"
        );
        assert!(html.contains("<h3>Title</h3>"), "{html}");
    }

    /// Payloads from the OWASP XSS filter evasion cheat sheet and friends.
    const XSS: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](vbscript:msgbox(1))",
        "![x](https://evil.example/x.png\"onerror=\"alert(1))",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<body onload=alert(1)>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<<script>script>alert(1)<</script>/script>",
        "<scr<script>ipt>alert(1)</script>",
        "`<script>` in code is fine",
        "<details open ontoggle=alert(1)>",
        "<input autofocus onfocus=alert(1)>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<link rel=stylesheet href=\"javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
        "[x](https://ok.example \"title\\\" onmouseover=alert(1)\")",
        "<style>body{display:none}</style>",
        "<!--<img src=x onerror=alert(1)>-->",
    ];

    /// Every real tag in the output (text `<` is always escaped as `&lt;`).
    fn tags(html: &str) -> Vec<String> {
        html.split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or("").to_lowercase())
            .collect()
    }

    #[test]
    fn no_script_handler_or_raw_html_survives() {
        const ALLOWED: &[&str] = &[
            "p",
            "a",
            "strong",
            "em",
            "code",
            "pre",
            "del",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
            "li",
            "blockquote",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "br",
            "hr",
        ];
        for payload in XSS {
            let html = render(payload);
            for tag in tags(&html) {
                let name = tag
                    .trim_start_matches('/')
                    .split([' ', '/'])
                    .next()
                    .unwrap_or("");
                assert!(ALLOWED.contains(&name), "{payload:?} kept <{tag}>");
                // Attribute names live outside the quoted values.
                let names: String = tag.split('"').step_by(2).collect();
                for bad in [" on", "style=", "src=", "action="] {
                    assert!(!names.contains(bad), "{payload:?} kept <{tag}>");
                }
                for value in tag.split("href=\"").skip(1) {
                    let url = value.split('"').next().unwrap_or("");
                    assert!(
                        ["http://", "https://", "mailto:"]
                            .iter()
                            .any(|p| url.starts_with(p)),
                        "{payload:?} kept <{tag}>"
                    );
                }
            }
        }
    }
}
