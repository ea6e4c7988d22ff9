//! What the server adds to the HTML pages it serves: a script that reloads the page after a good
//! rebuild and shows the errors of a failed one, and that overlay of errors itself.
//!
//! Nothing here depends on the report's own HTML: the additions go before the page's last
//! `</body>`, and the overlay carries its own inline style. The overlay is rendered here, on the
//! server, with every character of the errors escaped; the script only swaps it in.

/// The path of the event stream the script listens to.
pub const EVENTS_PATH: &str = "/__kpic/events";

/// The `id` of the overlay element, which the script replaces or removes.
const OVERLAY_ID: &str = "kpic-overlay";

/// The overlay that says the page is out of date and lists `problems`, as one line of HTML (an
/// event of the stream carries it on one `data:` line). A `<details>` element: collapsed, it
/// leaves a banner over the last good report; it needs no script.
pub fn fragment(problems: &[String]) -> String {
    let count = match problems.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    let items: String = problems
        .iter()
        .map(|problem| format!("<li>{}</li>", escape(problem)))
        .collect();
    format!(
        "<details id=\"{OVERLAY_ID}\" open role=\"alert\" style=\"position:fixed;top:0;left:0;\
         right:0;max-height:100vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.5rem;\
         background:#2b0d0d;color:#fff;font:14px/1.5 system-ui,sans-serif;\
         box-shadow:0 2px 12px rgba(0,0,0,.5)\"><summary style=\"cursor:pointer;font-weight:600;\
         color:#ffb4ab\">This page is out of date: the last rebuild failed with {count}.\
         </summary><ul style=\"margin:.75rem 0 0;\
         padding-left:1.25rem;font:13px/1.5 ui-monospace,monospace;white-space:pre-wrap\">\
         {items}</ul><p style=\"margin:.75rem 0 0\">Fix and save: the page reloads by \
         itself.</p></details>"
    )
}

/// The script that keeps a page of `generation` current: it reloads on `reload`, and shows the
/// overlay an `overlay` event carries. The server compares `generation` with its own when the
/// stream opens, so a rebuild between serving the page and opening the stream is not missed.
pub fn script(generation: u64) -> String {
    format!(
        "<script>(() => {{\n\
         const events = new EventSource(\"{EVENTS_PATH}?generation={generation}\");\n\
         events.addEventListener(\"reload\", () => location.reload());\n\
         events.addEventListener(\"overlay\", (event) => {{\n\
         document.getElementById(\"{OVERLAY_ID}\")?.remove();\n\
         document.body.insertAdjacentHTML(\"beforeend\", event.data);\n\
         }});\n\
         }})();</script>"
    )
}

/// The page served where the report has not been written yet.
pub const PLACEHOLDER: &str = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
    <title>kpic watch</title></head>\n<body>\n<p>No report yet: kpic writes it once the project \
    builds without errors.</p>\n</body>\n</html>\n";

/// `page` with `addition` before its last `</body>` (in any case), or at its end if it has none.
pub fn inject(page: &[u8], addition: &str) -> Vec<u8> {
    let at = page
        .windows(b"</body".len())
        .rposition(|window| window.eq_ignore_ascii_case(b"</body"))
        .unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + addition.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(addition.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

/// `text` safe as HTML text and attribute values, on one line (line ends become references).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_escapes_the_errors_and_keeps_to_one_line() {
        let overlay = fragment(&[
            "a.kpi:1:1: error[syntax]: found `</script><b>` & \"more\"".to_string(),
            "line one\nline two\r".to_string(),
        ]);
        assert!(!overlay.contains(['\n', '\r']));
        assert!(overlay.contains("2 problems"));
        assert!(overlay.contains(
            "<li>a.kpi:1:1: error[syntax]: found `&lt;/script&gt;&lt;b&gt;` &amp; &quot;more&quot;</li>"
        ));
        assert!(overlay.contains("<li>line one&#10;line two&#13;</li>"));
        assert!(!overlay.contains("<b>"));
        assert!(fragment(&["x".to_string()]).contains("1 problem."));
    }

    #[test]
    fn additions_go_before_the_last_closing_body() {
        assert_eq!(
            inject(b"<body><p>a</p></BODY>\n</html>", "<x>"),
            b"<body><p>a</p><x></BODY>\n</html>"
        );
        assert_eq!(
            inject(b"<p>a</p><!-- </body> --></body>", "<x>"),
            b"<p>a</p><!-- </body> --><x></body>"
        );
        assert_eq!(inject(b"<p>no body end", "<x>"), b"<p>no body end<x>");
        assert_eq!(inject(b"", "<x>"), b"<x>");
    }

    #[test]
    fn the_script_listens_with_the_generation_of_its_page() {
        let script = script(7);
        assert!(script.contains("\"/__kpic/events?generation=7\""));
        assert!(script.contains("\"reload\""));
        assert!(script.contains("\"overlay\""));
    }
}
