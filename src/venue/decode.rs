//! Tolerant decoding helpers shared by venue adapters (string-or-number decimals, `null`/`""`,
//! timestamps with and without a zone). Filled in by the Tread.fi adapter work.
