//! A decoded [`Page`] of rows, with the rows that failed to decode kept as [`BadRow`]s.

use serde::{Deserialize, Serialize};

/// A row of a page that could not be decoded: reported, never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    /// Position in the page (0-based).
    pub index: usize,
    /// The row's `id`, when it could be read.
    pub id: Option<String>,
    /// What was wrong, with the field path where known (e.g. `executed_qty: invalid decimal "abc"`).
    pub reason: String,
}

/// One decoded page of rows plus the rows that failed to decode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// Rows that decoded.
    pub rows: Vec<T>,
    /// Rows that did not, with reasons.
    pub bad_rows: Vec<BadRow>,
    /// `page_number` where the endpoint is paged.
    pub page_number: Option<u32>,
    /// `num_pages` where the endpoint is paged.
    pub num_pages: Option<u32>,
}

impl<T> Page<T> {
    /// A page with just these rows.
    pub fn of(rows: Vec<T>) -> Self {
        Self {
            rows,
            bad_rows: Vec::new(),
            page_number: None,
            num_pages: None,
        }
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self::of(Vec::new())
    }
}
