//! Structure: sections, doc type, school, years, risk factors, roadmap rows (issue #6).
