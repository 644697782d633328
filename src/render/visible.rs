//! Evidence strings shown as they are, never as they would act: control characters and the
//! Unicode formatting characters that reorder or hide text (bidirectional overrides such as
//! U+202E, zero-width characters) are written as a visible `[U+202E]`. Both renderers pass every
//! string through here (the HTML escape function, the PDF text layer), so a resource name in the
//! evidence cannot reverse or hide the packet's own words.

use std::borrow::Cow;

/// Whether a character acts on the text around it instead of showing.
fn acts(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{206A}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// `text` with every acting character written as `[U+XXXX]`.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn controls_and_bidi_overrides_are_written_out_and_plain_text_is_left_alone() {
        assert_eq!(visible("sg-0a1b (web) — ünïcode ✓"), "sg-0a1b (web) — ünïcode ✓");
        assert!(matches!(visible("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(visible("evil\u{202E}txt.exe"), "evil[U+202E]txt.exe");
        assert_eq!(visible("a\u{2066}b\u{2069}c\u{200B}d\u{FEFF}"), "a[U+2066]b[U+2069]c[U+200B]d[U+FEFF]");
        assert_eq!(visible("line\nbreak\ttab\u{0}nul\u{1b}[31m\u{85}"), "line[U+000A]break[U+0009]tab[U+0000]nul[U+001B][31m[U+0085]");
        let once = visible("x\u{202E}y").into_owned();
        assert_eq!(visible(&once), once, "escaping twice changes nothing");
    }
}
