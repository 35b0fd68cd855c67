//! `shnor eval`: accuracy of verdicts against a labels file (issue #5).
