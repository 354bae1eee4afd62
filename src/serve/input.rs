//! Bytes typed into an SSH session → crossterm key and mouse events, the same events the local
//! terminal produces, so every key of the app works the same over SSH.
//!
//! Parsing is `terminput`'s (crossterm's own escape-sequence parser, usable on a byte buffer).
//! This module only frames the bytes: a sequence split across two packets is kept until it is
//! complete, and a lone `Esc` is a key only when nothing follows it in the same packet (the
//! same rule crossterm applies to its input).

use crossterm::event::Event;

/// Longest incomplete sequence kept before it is discarded (garbage never grows the buffer).
const MAX_PENDING: usize = 64;

/// Turns a session's input bytes into events (keeps state between packets).
#[derive(Debug, Default)]
pub struct InputParser {
    pending: Vec<u8>,
}

impl InputParser {
    /// Parses one packet of input; returns the complete events in it.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        for (i, &b) in bytes.iter().enumerate() {
            self.pending.push(b);
            let more = i + 1 < bytes.len();
            if more && self.pending == [0x1b] {
                // Could be the start of a sequence: decide with the next byte.
                continue;
            }
            match terminput::Event::parse_from(&self.pending) {
                Ok(Some(ev)) => {
                    if let Ok(ev) = terminput_crossterm::to_crossterm(ev) {
                        out.push(ev);
                    }
                    self.pending.clear();
                }
                Ok(None) if self.pending.len() < MAX_PENDING => {}
                Ok(None) | Err(_) => self.pending.clear(),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEventKind};

    fn keys(bytes: &[u8]) -> Vec<(KeyCode, KeyModifiers)> {
        InputParser::default()
            .feed(bytes)
            .into_iter()
            .filter_map(|e| match e {
                Event::Key(KeyEvent {
                    code, modifiers, ..
                }) => Some((code, modifiers)),
                _ => None,
            })
            .collect()
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;

    #[test]
    fn plain_keys_arrows_and_function_keys() {
        assert_eq!(
            keys(b"2q"),
            [(KeyCode::Char('2'), NONE), (KeyCode::Char('q'), NONE)]
        );
        assert_eq!(
            keys(b"\x1b[A\x1b[B\x1b[C\x1b[D"),
            [
                (KeyCode::Up, NONE),
                (KeyCode::Down, NONE),
                (KeyCode::Right, NONE),
                (KeyCode::Left, NONE)
            ]
        );
        assert_eq!(
            keys(b"\x1bOA"),
            [(KeyCode::Up, NONE)],
            "application cursor mode"
        );
        assert_eq!(keys(b"\x1bOP"), [(KeyCode::F(1), NONE)]);
        assert_eq!(keys(b"\x1b[15~"), [(KeyCode::F(5), NONE)]);
        assert_eq!(
            keys(b"\x1b[5~\x1b[6~"),
            [(KeyCode::PageUp, NONE), (KeyCode::PageDown, NONE)]
        );
        assert_eq!(
            keys(b"\x1b[H\x1b[F"),
            [(KeyCode::Home, NONE), (KeyCode::End, NONE)]
        );
    }

    #[test]
    fn enter_tab_backtab_esc_backspace_and_ctrl_c() {
        assert_eq!(keys(b"\r"), [(KeyCode::Enter, NONE)]);
        assert_eq!(keys(b"\t"), [(KeyCode::Tab, NONE)]);
        assert_eq!(keys(b"\x1b[Z"), [(KeyCode::BackTab, KeyModifiers::SHIFT)]);
        assert_eq!(keys(b"\x1b"), [(KeyCode::Esc, NONE)]);
        assert_eq!(keys(b"\x7f"), [(KeyCode::Backspace, NONE)]);
        assert_eq!(keys(b"\x03"), [(KeyCode::Char('c'), KeyModifiers::CONTROL)]);
        assert_eq!(keys("é".as_bytes()), [(KeyCode::Char('é'), NONE)]);
    }

    #[test]
    fn a_sequence_split_across_packets_is_kept_until_complete() {
        let mut p = InputParser::default();
        assert!(p.feed(b"\x1b[").is_empty());
        let evs = p.feed(b"A");
        assert!(matches!(
            evs.as_slice(),
            [Event::Key(KeyEvent {
                code: KeyCode::Up,
                ..
            })]
        ));
        assert!(p.feed("é".as_bytes()[..1].as_ref()).is_empty());
        assert_eq!(p.feed(&"é".as_bytes()[1..]).len(), 1);
    }

    #[test]
    fn sgr_mouse_reports_become_mouse_events() {
        let evs = InputParser::default().feed(b"\x1b[<0;10;5M");
        assert!(
            matches!(evs.as_slice(), [Event::Mouse(m)] if m.kind == MouseEventKind::Down(crossterm::event::MouseButton::Left) && m.column == 9 && m.row == 4),
            "{evs:?}"
        );
    }

    #[test]
    fn garbage_never_grows_the_buffer() {
        let mut p = InputParser::default();
        for _ in 0..100 {
            p.feed(b"\x1b[1;2;3;4;5;6;7;8;9;");
        }
        assert!(p.pending.len() <= MAX_PENDING);
    }
}
