//! A hung worker is killed at the time limit (`timeout`) and the next file gets a fresh one.
//! The hang is real: the worker's test-only delay hook makes it sleep before parsing. This file
//! holds a single test because it sets a process-wide environment variable.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use shnor::extract::pdf::worker::TEST_DELAY_ENV;
use shnor::extract::{Options, extract_bytes};

#[test]
fn hung_worker_is_killed_at_the_time_limit() {
    let pdf = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pdf/one_column_serif.pdf"
    ))
    .expect("fixture");
    let mut opts = Options {
        pdf_worker: Some(PathBuf::from(env!("CARGO_BIN_EXE_shnor"))),
        ..Options::default()
    };
    opts.limits.timeout = Duration::from_secs(1);

    // SAFETY: the only test in this binary; no other thread reads the environment now.
    unsafe { std::env::set_var(TEST_DELAY_ENV, "600000") };
    let started = Instant::now();
    let err = extract_bytes("slow.pdf", &pdf, &opts).expect_err("must time out");
    assert_eq!(err.code(), "timeout", "{err}");
    // The caller was not held for the worker's ten-minute sleep.
    assert!(started.elapsed() < Duration::from_secs(300));

    // SAFETY: as above.
    unsafe { std::env::remove_var(TEST_DELAY_ENV) };
    let doc = extract_bytes("ok.pdf", &pdf, &opts).expect("fresh worker after the kill");
    assert!(doc.text().contains("Программа развития школы"));
}
