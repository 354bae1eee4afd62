//! Cutting a page's rows out of a JSON reply while its bytes arrive (issue 19: a 100k-order
//! `/api/active_orders/` reply is 111 MB; the first rows should draw before the last byte).
//!
//! [`RowScanner`] is fed the body in chunks split anywhere (inside a string, an escape, a
//! multi-byte UTF-8 character, a number, between tokens) and hands out each element of the rows
//! array as soon as its last byte is in, borrowed from the chunk when it lies inside one, else
//! from one reused buffer. It accepts the page envelope `{"orders": [...], "page_number": 1,
//! ...}` (the rows key is the caller's) and a bare top-level array. At the end it returns the
//! envelope with the rows array emptied (`{"orders":[],"page_number":1,...}`, or `[]`), so the
//! page decoder reads `page_number`/`num_pages` and reports a missing or non-array rows key as
//! it does for a whole body.
//!
//! It is not a JSON parser: it follows depth, "inside a string" and "after a backslash", and
//! checks the commas between rows. serde_json validates each row and the envelope. A body that
//! ends early (inside the rows, a string or an object) is a [`VenueError::Decode`]; nothing
//! here panics. A second rows array under the same key is refused (a whole-body read would keep
//! only the last one). The rows key is compared with the key's raw bytes (a key spelled with
//! `\u` escapes is not recognised, and its value then stays in the envelope).
//!
//! No crate found does this on byte chunks: `json-array-stream` (0.1, 2020) reads a bare array
//! only and copies every element; `stream-rs`'s splitter finds top-level values only.

use crate::venue::{VenueError, VenueResult};

/// Where the scanner is in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Where {
    /// Outside the rows array's contents (its own `[` and `]` included): bytes go to the
    /// envelope.
    Envelope,
    /// Inside the rows array, between rows.
    Between(Next),
    /// Inside one row.
    Row,
    /// After the top-level value: everything goes to the envelope (serde reports trailing
    /// characters).
    After,
}

/// What may come next between rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Just after `[`: a row or `]`.
    FirstOrEnd,
    /// After `,`: a row.
    Row,
    /// After a row: `,` or `]`.
    CommaOrEnd,
}

/// The top-level value's kind, once its first byte is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    Unknown,
    /// `{`: an envelope; its rows are under the rows key.
    Object,
    /// `[`: a bare array of rows.
    Array,
    /// Anything else: no rows; the envelope decoder reports it.
    Other,
}

/// Splits a JSON body into its rows as chunks arrive; see the module docs. Feed every chunk in
/// order with [`RowScanner::feed`], then call [`RowScanner::finish`] for the envelope.
#[derive(Debug)]
pub struct RowScanner {
    rows_key: &'static str,
    top: Top,
    at: Where,
    /// Open `{`/`[` around the current byte.
    depth: usize,
    /// Depth of the rows array's contents (2 in an envelope, 1 in a bare array).
    rows_depth: usize,
    in_string: bool,
    escaped: bool,
    /// Top-level object: the next string at depth 1 is a key.
    expect_key: bool,
    /// Capturing a depth-1 key's raw bytes.
    capturing: bool,
    key: Vec<u8>,
    /// The last depth-1 key was the rows key and its `:` is not seen yet / was just seen.
    key_matched: bool,
    awaiting_rows: bool,
    /// A rows array was already read.
    rows_done: bool,
    /// Rows handed out so far (for messages).
    rows: usize,
    /// Bytes of a row that began in an earlier chunk.
    carry: Vec<u8>,
    envelope: Vec<u8>,
}

fn decode_error(message: String) -> VenueError {
    VenueError::Decode {
        path: "$".into(),
        message,
    }
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i.saturating_add(1));
    bytes.get(..end).unwrap_or_default()
}

impl RowScanner {
    /// A scanner for a page whose rows are the array under `rows_key` (e.g. `orders` for
    /// `GET /api/active_orders/`), or a bare top-level array.
    pub fn new(rows_key: &'static str) -> Self {
        Self {
            rows_key,
            top: Top::Unknown,
            at: Where::Envelope,
            depth: 0,
            rows_depth: 0,
            in_string: false,
            escaped: false,
            expect_key: false,
            capturing: false,
            key: Vec::new(),
            key_matched: false,
            awaiting_rows: false,
            rows_done: false,
            rows: 0,
            carry: Vec::new(),
            envelope: Vec::new(),
        }
    }

    /// How many rows were handed out so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Scans the next chunk of the body and calls `each` with the bytes of every row that
    /// ends in it (one JSON value, surrounding whitespace removed), in order.
    ///
    /// # Errors
    /// [`VenueError::Decode`] when the bytes between rows are not `,` (a missing or extra
    /// comma), a bracket closes more than was opened, or the rows key's array comes twice;
    /// the first error `each` returns. After an error the scanner must not be fed again.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        mut each: impl FnMut(&[u8]) -> VenueResult<()>,
    ) -> VenueResult<()> {
        // Where the current row's bytes begin in this chunk (0 for a row carried over).
        let mut start = 0;
        let mut i = 0;
        while let Some(&b) = chunk.get(i) {
            // Most of a row's bytes are inside strings: jump to the next `"` or `\\` there
            // instead of stepping the state machine byte by byte.
            if self.at == Where::Row && self.in_string && !self.escaped {
                let rest = chunk.get(i..).unwrap_or_default();
                match rest.iter().position(|&c| c == b'"' || c == b'\\') {
                    Some(0) => {}
                    Some(skip) => {
                        i += skip;
                        continue;
                    }
                    None => break,
                }
            }
            let pos = i;
            i += 1;
            match self.at {
                Where::Row => {
                    if let Some(end) = self.row_byte(b, pos) {
                        self.emit(chunk, start, end, &mut each)?;
                    }
                }
                Where::Between(next) => {
                    if b.is_ascii_whitespace() {
                        continue;
                    }
                    match (b, next) {
                        (b',', Next::CommaOrEnd) => self.at = Where::Between(Next::Row),
                        (b']', Next::FirstOrEnd | Next::CommaOrEnd) => self.end_rows(),
                        (b',' | b']', _) | (_, Next::CommaOrEnd) => {
                            return Err(decode_error(format!(
                                "unexpected `{}` after row {} of `{}`",
                                char::from(b).escape_default(),
                                self.rows,
                                self.rows_key
                            )));
                        }
                        _ => {
                            self.at = Where::Row;
                            start = pos;
                            if let Some(end) = self.row_byte(b, pos) {
                                self.emit(chunk, start, end, &mut each)?;
                            }
                        }
                    }
                }
                Where::Envelope => self.envelope_byte(b)?,
                Where::After => self.envelope.push(b),
            }
        }
        if self.at == Where::Row {
            self.carry
                .extend_from_slice(chunk.get(start..).unwrap_or_default());
        }
        Ok(())
    }

    /// The envelope with its rows array emptied, once the whole body was fed (call it once:
    /// the envelope is handed over).
    ///
    /// # Errors
    /// [`VenueError::Decode`] when the body ended early: inside the rows array, a row, a
    /// string or an unclosed object or array (a cut reply).
    pub fn finish(&mut self) -> VenueResult<Vec<u8>> {
        if matches!(self.at, Where::Row | Where::Between(_)) {
            return Err(decode_error(format!(
                "the body ended inside the `{}` array after {} complete rows (truncated reply)",
                self.rows_key, self.rows
            )));
        }
        if self.in_string || self.depth > 0 {
            return Err(decode_error(
                "the body ended before its JSON did (truncated reply)".into(),
            ));
        }
        Ok(std::mem::take(&mut self.envelope))
    }

    /// One byte inside a row; `Some(end)` when the row ends (its bytes are `..end` of the
    /// chunk). Handles a row that is a scalar: it ends at the `,` or `]` that follows it.
    fn row_byte(&mut self, b: u8, i: usize) -> Option<usize> {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return None;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth = self.depth.saturating_add(1),
            b'}' | b']' if self.depth > self.rows_depth => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == self.rows_depth {
                    self.at = Where::Between(Next::CommaOrEnd);
                    return Some(i.saturating_add(1));
                }
            }
            // A scalar row ends at the separator after it.
            b',' if self.depth == self.rows_depth => {
                self.at = Where::Between(Next::Row);
                return Some(i);
            }
            // `]` closes the rows array after a scalar row. (A `}` here stays in the row,
            // which serde then refuses.)
            b']' if self.depth == self.rows_depth => {
                self.end_rows();
                return Some(i);
            }
            _ => {}
        }
        None
    }

    /// Hands out one row: `chunk[start..end]`, after the bytes carried from earlier chunks.
    fn emit(
        &mut self,
        chunk: &[u8],
        start: usize,
        end: usize,
        each: &mut impl FnMut(&[u8]) -> VenueResult<()>,
    ) -> VenueResult<()> {
        let here = chunk.get(start..end).unwrap_or_default();
        self.rows = self.rows.saturating_add(1);
        if self.carry.is_empty() {
            each(trim_end(here))
        } else {
            self.carry.extend_from_slice(here);
            let result = each(trim_end(&self.carry));
            self.carry.clear();
            result
        }
    }

    /// The rows array's `]`: back in the envelope.
    fn end_rows(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.envelope.push(b']');
        self.rows_done = true;
        self.at = if self.depth == 0 {
            Where::After
        } else {
            Where::Envelope
        };
    }

    /// One byte outside the rows: kept in the envelope; finds the rows key at depth 1.
    fn envelope_byte(&mut self, b: u8) -> VenueResult<()> {
        self.envelope.push(b);
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                if self.capturing {
                    self.capturing = false;
                    self.key_matched = self.key == self.rows_key.as_bytes();
                }
                return Ok(());
            }
            if self.capturing && self.key.len() <= self.rows_key.len() {
                self.key.push(b);
            }
            return Ok(());
        }
        if b.is_ascii_whitespace() {
            return Ok(());
        }
        if self.awaiting_rows {
            self.awaiting_rows = false;
            if b == b'[' {
                if self.rows_done {
                    return Err(decode_error(format!(
                        "the `{}` array comes twice",
                        self.rows_key
                    )));
                }
                self.depth = self.depth.saturating_add(1);
                self.rows_depth = self.depth;
                self.at = Where::Between(Next::FirstOrEnd);
                return Ok(());
            }
        }
        match b {
            b'{' | b'[' => {
                if self.depth == 0 && self.top == Top::Unknown {
                    if b == b'[' {
                        self.top = Top::Array;
                        self.depth = 1;
                        self.rows_depth = 1;
                        self.at = Where::Between(Next::FirstOrEnd);
                        return Ok(());
                    }
                    self.top = Top::Object;
                    self.expect_key = true;
                }
                self.depth = self.depth.saturating_add(1);
            }
            b'}' | b']' => {
                if self.depth == 0 {
                    return Err(decode_error(format!(
                        "unexpected `{}` at the top level",
                        char::from(b)
                    )));
                }
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    self.at = Where::After;
                }
            }
            b'"' => {
                self.in_string = true;
                if self.top == Top::Object && self.depth == 1 && self.expect_key {
                    self.expect_key = false;
                    self.capturing = true;
                    self.key.clear();
                }
            }
            b',' if self.top == Top::Object && self.depth == 1 => self.expect_key = true,
            b':' if self.top == Top::Object && self.depth == 1 => {
                self.awaiting_rows = std::mem::take(&mut self.key_matched);
            }
            _ => {
                if self.depth == 0 && self.top == Top::Unknown {
                    self.top = Top::Other;
                    self.at = Where::After;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(chunks: &[&[u8]]) -> VenueResult<(Vec<String>, String)> {
        let mut s = RowScanner::new("orders");
        let mut rows = Vec::new();
        for c in chunks {
            s.feed(c, |r| {
                rows.push(String::from_utf8_lossy(r).into_owned());
                Ok(())
            })?;
        }
        let env = s.finish()?;
        Ok((rows, String::from_utf8_lossy(&env).into_owned()))
    }

    #[test]
    fn envelope_rows_and_tail() {
        let (rows, env) = scan(&[
            br#"{"page_number": 2, "orders": [ {"id":"a]}\"", "x":[1,{}]} , 3 ,"s,]" ], "num_pages":5}"#,
        ])
        .unwrap();
        assert_eq!(rows, [r#"{"id":"a]}\"", "x":[1,{}]}"#, "3", r#""s,]""#]);
        assert_eq!(env, r#"{"page_number": 2, "orders": [], "num_pages":5}"#);
    }

    #[test]
    fn bare_array_byte_by_byte() {
        let body = r#" [ {"id":"é\\"} ,{"id":"b"}] "#.as_bytes();
        let chunks: Vec<&[u8]> = body.chunks(1).collect();
        let (rows, env) = scan(&chunks).unwrap();
        assert_eq!(rows, [r#"{"id":"é\\"}"#, r#"{"id":"b"}"#]);
        assert_eq!(env, " [] ");
    }

    #[test]
    fn nested_orders_key_is_not_the_rows() {
        let (rows, env) = scan(&[br#"{"meta":{"orders":[1]},"orders":[]}"#]).unwrap();
        assert!(rows.is_empty());
        assert_eq!(env, r#"{"meta":{"orders":[1]},"orders":[]}"#);
    }

    #[test]
    fn bad_separators_and_cuts_are_errors() {
        for body in [
            &br#"{"orders":[{} {}]}"#[..],
            br#"{"orders":[{},]}"#,
            br#"{"orders":[,{}]}"#,
            br#"{"orders":[{}],"orders":[]}"#,
            br#"{"orders":[{"id":"a"#,
            br#"{"orders":[]"#,
            br#"]"#,
        ] {
            assert!(
                matches!(scan(&[body]), Err(VenueError::Decode { .. })),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
