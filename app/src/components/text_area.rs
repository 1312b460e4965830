//! A `<textarea>` that starts with stored text.
//!
//! Leptos writes the children of a `<textarea>` as raw text on the server (the element's
//! content is not escaped), so stored text holding `</textarea>` would end the field and the
//! rest would be live markup for whoever opens the page. Every field whose initial text was
//! stored renders it through [`StoredTextArea`]: on the server the text is escaped (the
//! browser decodes it back into the field as it was typed); in the browser it is set as a
//! text node, which is never parsed.

use leptos::prelude::*;

#[component]
pub fn StoredTextArea(
    id: &'static str,
    name: &'static str,
    rows: u32,
    maxlength: u32,
    text: String,
) -> impl IntoView {
    view! {
        <textarea id=id name=name rows=rows maxlength=maxlength>{initial_text(&text)}</textarea>
    }
}

/// The field's content as the server writes it: escaped, and a leading newline kept (the
/// HTML parser drops one newline right after `<textarea>`).
#[cfg(feature = "ssr")]
pub fn initial_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    if text.starts_with('\n') || text.starts_with("\r\n") {
        out.push('\n');
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// In the browser the text becomes a text node as it is.
#[cfg(not(feature = "ssr"))]
pub fn initial_text(text: &str) -> String {
    text.to_string()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn stored_text_cannot_end_the_field() {
        let html = view! {
            <StoredTextArea id="d" name="description" rows=3 maxlength=1000
                text="</textarea><b>x</b> & more".to_string()/>
        }
        .to_html();
        assert!(!html.contains("<b>"), "{html}");
        assert_eq!(html.matches("</textarea>").count(), 1, "{html}");
        assert!(
            html.contains("&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt; &amp; more"),
            "{html}"
        );
    }

    #[test]
    fn a_leading_newline_survives_the_parser() {
        assert_eq!(initial_text("\nx"), "\n\nx");
        assert_eq!(initial_text("x"), "x");
    }
}
