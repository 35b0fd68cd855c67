//! Batch pipeline: sources (files, folders, zip) → parallel extract+check → one ordered writer
//! (issue #7).
