//! Cleaning of strings that came from a venue before they reach the terminal, an export or the
//! log: a server's text must never be able to move the cursor, set the title or write the
//! clipboard.

use std::borrow::Cow;

/// Returns `s` with every control character made harmless:
/// - C0 controls (incl. `ESC`, `BEL`, `CR`, `LF`, `TAB`) and `DEL` → a visible stand-in
///   (`␛` for ESC, `·` for anything else; newline/tab become a space);
/// - C1 controls (U+0080–U+009F), bidi overrides/isolates (U+202A–U+202E, U+2066–U+2069) and
///   zero-width characters (U+200B–U+200F, U+FEFF, U+2060) → removed.
///
/// Borrowed when nothing needed changing (the common case), so it is cheap on the render path.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_change) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{1b}' => out.push('␛'),
            '\n' | '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push('·'),
            c if is_invisible(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`clean`], then cut to at most `max` characters, ending with `…` when cut.
pub fn clean_truncated(s: &str, max: usize) -> Cow<'_, str> {
    let cleaned = clean(s);
    if cleaned.chars().count() <= max {
        return cleaned;
    }
    let mut out: String = cleaned.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    Cow::Owned(out)
}

fn needs_change(c: char) -> bool {
    (c as u32) < 0x20 || c == '\u{7f}' || is_invisible(c)
}

fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{80}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(clean("Order is not paused."), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_are_neutralised() {
        let evil = "a\u{1b}]0;pwned\u{7}b\u{1b}[2Jc\u{9b}31m\u{202e}d\u{200b}e";
        let got = clean(evil);
        assert_eq!(got, "a␛]0;pwned·b␛[2Jc31mde");
        assert!(!got.chars().any(|c| c.is_control()));
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(clean_truncated("abcdef", 4), "abc…");
        assert_eq!(clean_truncated("abc", 4), "abc");
    }
}
