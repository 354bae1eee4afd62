//! AlphaSec adapter (in progress).
