//! The benchmark harness behind `benches/run.sh`: measures shnor and the reference tools in the
//! same run and prints the Markdown tables of docs/BENCHMARKS.md.
//!
//! What is measured (wall-clock time of whole processes, files already in the page cache):
//! - extraction, on N generated programmes written in each format (the same N texts as PDF,
//!   DOCX and ODT) and on the `../shared/realfiles` files both tools read: shnor as a user runs
//!   it (`shnor extract --format text` over all files, one process), shnor with one process per
//!   file, and the reference with one process per file (`pdftotext -enc UTF-8 F -`,
//!   `pandoc -t plain --wrap=none F`), which is the only way those tools take many files;
//! - `shnor review DIR --out OUT` (default report formats) on 100, 1,000 and 10,000 mixed
//!   documents, under `/usr/bin/time -v` for the peak RSS;
//! - search latency from the search helper's `search_bench` example at 20,000 documents.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::corpus::{self, Format};

pub struct Options {
    /// Working directory for corpora and outputs.
    pub work: PathBuf,
    pub shnor: PathBuf,
    pub realfiles: PathBuf,
    pub sizes: Vec<usize>,
    /// Documents per format in the extraction sets.
    pub extract_docs: usize,
    pub seed: u64,
    pub font: PathBuf,
    /// `search_bench` binary; skipped when it does not exist.
    pub search_bench: PathBuf,
    pub search_docs: usize,
    /// Which parts to run: extract, realfiles, review, search.
    pub parts: Vec<String>,
    /// Formats of the extraction sets.
    pub formats: Vec<Format>,
}

/// Run everything and return the Markdown report.
pub fn run(o: &Options) -> anyhow::Result<String> {
    anyhow::ensure!(
        o.shnor.is_file(),
        "{} not found: build it with cargo build --release",
        o.shnor.display()
    );
    std::fs::create_dir_all(&o.work)?;
    let mut md = String::new();
    machine(&mut md, o)?;
    let part = |p: &str| o.parts.iter().any(|x| x == p);
    if part("extract") {
        eprintln!("[bench] extraction on the generated corpus");
        extraction_generated(&mut md, o)?;
    }
    if part("realfiles") {
        eprintln!("[bench] extraction on realfiles");
        extraction_realfiles(&mut md, o)?;
    }
    if part("review") {
        eprintln!("[bench] review throughput");
        review(&mut md, o)?;
    }
    if part("search") {
        eprintln!("[bench] search latency");
        search(&mut md, o)?;
    }
    Ok(md)
}

fn sh(cmd: &str) -> String {
    Command::new("sh")
        .args(["-c", cmd])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn machine(md: &mut String, o: &Options) -> anyhow::Result<()> {
    let model = sh("lscpu | sed -n 's/^Model name: *//p' | head -1");
    let mem = sh("awk '/MemTotal/ {printf \"%.1f GB\", $2/1048576}' /proc/meminfo");
    let load = sh("cut -d' ' -f1-3 /proc/loadavg");
    let rev = sh("git rev-parse --short HEAD");
    let pdftotext = sh("pdftotext -v 2>&1 | head -1");
    let pandoc = sh("pandoc --version | head -1");
    writeln!(
        md,
        "Machine: {} CPUs ({}), {}, load average at start {}.",
        sh("nproc"),
        model,
        mem,
        load
    )?;
    writeln!(
        md,
        "shnor {rev} ({}); {pdftotext}; {pandoc}.",
        o.shnor.display()
    )?;
    writeln!(md)?;
    Ok(())
}

/// Wall time of one process; output discarded. Fails when the process fails.
fn timed(cmd: &mut Command) -> anyhow::Result<Duration> {
    let t = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .with_context(|| format!("cannot run {cmd:?}"))?;
    let d = t.elapsed();
    if !status.success() {
        bail!("{cmd:?} exited with {status}");
    }
    Ok(d)
}

/// Total wall time of one process per file.
fn per_file(files: &[PathBuf], mut make: impl FnMut(&Path) -> Command) -> anyhow::Result<Duration> {
    let mut total = Duration::ZERO;
    for f in files {
        total += timed(&mut make(f))?;
    }
    Ok(total)
}

fn reference(format: Format) -> (&'static str, fn(&Path) -> Command) {
    match format {
        Format::Pdf => ("pdftotext", |f| {
            let mut c = Command::new("pdftotext");
            c.args(["-enc", "UTF-8"]).arg(f).arg("-");
            c
        }),
        _ => ("pandoc -t plain", |f| {
            let mut c = Command::new("pandoc");
            c.args(["-t", "plain", "--wrap=none"]).arg(f);
            c
        }),
    }
}

fn shnor_extract(shnor: &Path, files: &[PathBuf]) -> Command {
    let mut c = Command::new(shnor);
    c.args(["extract", "--format", "text"]).args(files);
    c
}

struct ExtractRow {
    set: String,
    files: usize,
    pages: Option<usize>,
    bytes: u64,
    one: Duration,
    each: Duration,
    reference_name: &'static str,
    reference: Duration,
}

fn extraction_table(md: &mut String, rows: &[ExtractRow]) -> anyhow::Result<()> {
    writeln!(
        md,
        "| set | files | pages | MB | shnor, one process | shnor, process per file | reference, process per file | shnor/reference (one process) | shnor/reference (per file) |"
    )?;
    writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for r in rows {
        let ratio = |a: Duration| a.as_secs_f64() / r.reference.as_secs_f64().max(1e-9);
        writeln!(
            md,
            "| {} | {} | {} | {:.1} | {:.2} s | {:.2} s | {:.2} s ({}) | **{:.3}** ({:.1}× faster) | {:.3} |",
            r.set,
            r.files,
            r.pages.map_or("—".to_string(), |p| p.to_string()),
            r.bytes as f64 / 1e6,
            r.one.as_secs_f64(),
            r.each.as_secs_f64(),
            r.reference.as_secs_f64(),
            r.reference_name,
            ratio(r.one),
            1.0 / ratio(r.one).max(1e-9),
            ratio(r.each),
        )?;
    }
    writeln!(md)?;
    Ok(())
}

fn measure_set(
    o: &Options,
    set: String,
    format: Format,
    files: Vec<PathBuf>,
    pages: Option<usize>,
) -> anyhow::Result<ExtractRow> {
    let bytes = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let (reference_name, make_ref) = reference(format);
    // Warm the page cache and the binaries once.
    for f in files.iter().take(3) {
        let _ = timed(&mut shnor_extract(&o.shnor, std::slice::from_ref(f)));
        let _ = timed(&mut make_ref(f));
    }
    let one = timed(&mut shnor_extract(&o.shnor, &files))?;
    let each = per_file(&files, |f| shnor_extract(&o.shnor, &[f.to_path_buf()]))?;
    let reference = per_file(&files, make_ref)?;
    eprintln!(
        "[bench]   {set}: shnor {one:?} / per file {each:?} / {reference_name} {reference:?}"
    );
    Ok(ExtractRow {
        set,
        files: files.len(),
        pages,
        bytes,
        one,
        each,
        reference_name,
        reference,
    })
}

fn ensure_corpus(
    o: &Options,
    name: &str,
    count: usize,
    only: Option<Format>,
) -> anyhow::Result<(PathBuf, Vec<(PathBuf, usize)>)> {
    let dir = o.work.join(name);
    let stamp = dir.join(".complete");
    let want = format!("seed {} count {count}", o.seed);
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(want.as_str()) {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!(
            "[bench] generating {count} documents into {}",
            dir.display()
        );
        corpus::generate(&corpus::Options {
            out: dir.clone(),
            count,
            seed: o.seed,
            only,
            font: o.font.clone(),
        })?;
        std::fs::write(&stamp, &want)?;
    }
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv"))?;
    let files = manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut c = l.split('\t');
            let file = c.next()?;
            let pages = c.nth(2)?.parse().ok()?;
            Some((dir.join(file), pages))
        })
        .collect();
    Ok((dir, files))
}

fn extraction_generated(md: &mut String, o: &Options) -> anyhow::Result<()> {
    writeln!(
        md,
        "### Extraction: generated programmes ({} per format, the same texts in each format)\n",
        o.extract_docs
    )?;
    let mut rows = Vec::new();
    for &format in &o.formats {
        let (_, files) = ensure_corpus(
            o,
            &format!("extract-{}", format.ext()),
            o.extract_docs,
            Some(format),
        )?;
        let pages = files.iter().map(|(_, p)| p).sum();
        let paths = files.into_iter().map(|(f, _)| f).collect();
        rows.push(measure_set(
            o,
            format!("generated {}", format.ext().to_uppercase()),
            format,
            paths,
            Some(pages),
        )?);
    }
    extraction_table(md, &rows)
}

/// Realfiles of `kind` whose reference extraction succeeded (REFERENCE.tsv) and that shnor reads.
fn realfiles_both_read(o: &Options, kind: &str) -> anyhow::Result<(Vec<PathBuf>, usize)> {
    let tsv = std::fs::read_to_string(o.realfiles.join("REFERENCE.tsv"))?;
    let mut files = Vec::new();
    let mut skipped = 0;
    for line in tsv.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let [file, _tool, exit, _secs, chars, ..] = c[..] else {
            continue;
        };
        if !file.ends_with(&format!(".{kind}")) || exit != "0" || chars == "0" {
            continue;
        }
        let path = o.realfiles.join("files").join(file);
        let ours = Command::new(&o.shnor)
            .args(["extract", "--format", "text"])
            .arg(&path)
            .stderr(Stdio::null())
            .output()?;
        if ours.status.success() && !ours.stdout.iter().all(u8::is_ascii_whitespace) {
            files.push(path);
        } else {
            skipped += 1;
        }
    }
    Ok((files, skipped))
}

fn pdf_pages(files: &[PathBuf]) -> Option<usize> {
    let mut total = 0;
    for f in files {
        let out = Command::new("pdfinfo").arg(f).output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        total += text
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|v| v.trim().parse::<usize>().ok())?;
    }
    Some(total)
}

fn extraction_realfiles(md: &mut String, o: &Options) -> anyhow::Result<()> {
    if !o.realfiles.join("REFERENCE.tsv").is_file() {
        writeln!(
            md,
            "### Extraction: realfiles\n\nSkipped: {} not found.\n",
            o.realfiles.display()
        )?;
        return Ok(());
    }
    writeln!(
        md,
        "### Extraction: `../shared/realfiles` (files both tools read)\n"
    )?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (kind, format) in [
        ("pdf", Format::Pdf),
        ("docx", Format::Docx),
        ("odt", Format::Odt),
    ] {
        let (files, skipped) = realfiles_both_read(o, kind)?;
        if files.is_empty() {
            continue;
        }
        notes.push(format!("{kind}: {} files ({skipped} with a reference text that shnor rejects or reads as empty were left out)", files.len()));
        let pages = if format == Format::Pdf {
            pdf_pages(&files)
        } else {
            None
        };
        rows.push(measure_set(
            o,
            format!("realfiles {}", kind.to_uppercase()),
            format,
            files,
            pages,
        )?);
    }
    extraction_table(md, &rows)?;
    writeln!(md, "{}.\n", notes.join("; "))?;
    Ok(())
}

struct TimeV {
    wall: f64,
    rss_kb: u64,
    exit: i32,
}

fn time_v(cmd: &[&std::ffi::OsStr]) -> anyhow::Result<TimeV> {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .args(cmd)
        .stdout(Stdio::null())
        .output()
        .context("cannot run /usr/bin/time (apt-get install time)")?;
    let err = String::from_utf8_lossy(&out.stderr);
    let field = |name: &str| {
        err.lines()
            .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string()))
    };
    let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):")
        .context("no wall time in time -v output")?;
    let secs = wall.split(':').fold(0.0, |acc, part| {
        acc * 60.0 + part.parse::<f64>().unwrap_or(0.0)
    });
    let rss_kb = field("Maximum resident set size (kbytes):")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let exit = field("Exit status:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    Ok(TimeV {
        wall: secs,
        rss_kb,
        exit,
    })
}

fn review(md: &mut String, o: &Options) -> anyhow::Result<()> {
    let max = o.sizes.iter().copied().max().unwrap_or(0);
    let (_, files) = ensure_corpus(o, &format!("mixed-{max}"), max, None)?;
    writeln!(
        md,
        "### End-to-end `shnor review` (mixed formats: ~40 % DOCX, 35 % PDF, 10 % ODT, 15 % TXT; default reports html,docx,json)\n"
    )?;
    writeln!(
        md,
        "| documents | pages | wall | docs/s | ms per document | peak RSS | exit |"
    )?;
    writeln!(md, "|---:|---:|---:|---:|---:|---:|---:|")?;
    for &n in &o.sizes {
        // The first n documents of the largest corpus, hard-linked: no second copy on disk.
        let dir = o.work.join(format!("review-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        for (f, _) in files.iter().take(n) {
            let name = f.file_name().context("file name")?;
            std::fs::hard_link(f, dir.join(name))
                .or_else(|_| std::fs::copy(f, dir.join(name)).map(|_| ()))?;
        }
        let pages: usize = files.iter().take(n).map(|(_, p)| p).sum();
        let out = o.work.join(format!("review-{n}-out"));
        let _ = std::fs::remove_dir_all(&out);
        let t = time_v(&[
            o.shnor.as_os_str(),
            "review".as_ref(),
            dir.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])?;
        eprintln!(
            "[bench]   review {n}: {:.1} s, {} MB, exit {}",
            t.wall,
            t.rss_kb / 1024,
            t.exit
        );
        writeln!(
            md,
            "| {n} | {pages} | {:.1} s | **{:.0}** | {:.1} | **{} MB** | {} |",
            t.wall,
            n as f64 / t.wall.max(1e-9),
            t.wall * 1000.0 / n as f64,
            t.rss_kb / 1024,
            t.exit
        )?;
    }
    writeln!(
        md,
        "\nExit 1 means every file was read and some cycles are incomplete (expected on this corpus); 2 would mean unreadable files.\n"
    )?;
    Ok(())
}

fn search(md: &mut String, o: &Options) -> anyhow::Result<()> {
    writeln!(
        md,
        "### Search latency ({} documents, `search_bench`)\n",
        o.search_docs
    )?;
    if !o.search_bench.is_file() {
        writeln!(
            md,
            "Not measured: {} not found (`cargo build --release --example search_bench`).\n",
            o.search_bench.display()
        )?;
        return Ok(());
    }
    let out = Command::new(&o.search_bench)
        .args(["--docs", &o.search_docs.to_string()])
        .output()?;
    if !out.status.success() {
        writeln!(
            md,
            "search_bench failed: {}\n",
            String::from_utf8_lossy(&out.stderr).trim()
        )?;
        return Ok(());
    }
    writeln!(md, "```")?;
    md.push_str(String::from_utf8_lossy(&out.stdout).trim_end());
    writeln!(md, "\n```\n")?;
    Ok(())
}
