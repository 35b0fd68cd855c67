//! Report sinks: HTML, Markdown, JSON, DOCX, summary (issue #7).
