//! `cargo xtask <command>`: see `xtask help`.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::corpus;

const HELP: &str = "\
xtask — developer tasks for shnor

USAGE:
  cargo xtask gen --out DIR --count N [--seed S] [--format docx|odt|txt|pdf] [--font FILE.ttf]
      Write N synthetic Russian programmes (mixed formats unless --format) with manifest.tsv
      and labels.json. Deterministic for a given seed.

  cargo xtask bench [--work DIR] [--shnor BIN] [--realfiles DIR] [--sizes 100,1000,10000]
                    [--extract-docs N] [--seed S] [--search-bench BIN] [--search-docs N]
                    [--parts extract,realfiles,review,search] [--formats pdf,docx,odt]
                    [--report FILE.md]
      Generate the corpora (cached in --work), measure shnor against pdftotext and pandoc in
      the same run, review throughput and peak RSS, search latency; print Markdown tables.
      Run from the repository root; benches/run.sh builds everything first.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") => run_gen(&args[1..]),
        Some("bench") => run_bench(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(anyhow::anyhow!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--name value` pairs.
fn flags(args: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let Some(name) = a.strip_prefix("--") else {
            anyhow::bail!("unexpected argument {a:?}");
        };
        let Some(v) = it.next() else {
            anyhow::bail!("--{name} needs a value");
        };
        out.push((name.to_string(), v.clone()));
    }
    Ok(out)
}

fn run_gen(args: &[String]) -> anyhow::Result<()> {
    let mut opts = corpus::Options {
        out: PathBuf::new(),
        count: 0,
        seed: 1,
        only: None,
        font: PathBuf::from(xtask::pdf::FONT_PATH),
    };
    for (k, v) in flags(args)? {
        match k.as_str() {
            "out" => opts.out = PathBuf::from(v),
            "count" => opts.count = v.parse()?,
            "seed" => opts.seed = v.parse()?,
            "format" => opts.only = Some(corpus::Format::parse(&v)?),
            "font" => opts.font = PathBuf::from(v),
            _ => anyhow::bail!("unknown option --{k}"),
        }
    }
    anyhow::ensure!(
        !opts.out.as_os_str().is_empty() && opts.count > 0,
        "gen needs --out DIR and --count N"
    );
    let t = std::time::Instant::now();
    let entries = corpus::generate(&opts)?;
    let pages: usize = entries.iter().map(|e| e.pages).sum();
    let bytes: usize = entries.iter().map(|e| e.bytes).sum();
    eprintln!(
        "wrote {} documents ({} pages, {:.1} MB) to {} in {:.1} s",
        entries.len(),
        pages,
        bytes as f64 / 1e6,
        opts.out.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run_bench(args: &[String]) -> anyhow::Result<()> {
    let mut o = xtask::bench::Options {
        work: PathBuf::from("target/bench"),
        shnor: PathBuf::from("target/release/shnor"),
        realfiles: PathBuf::from("../shared/realfiles"),
        sizes: vec![100, 1000, 10_000],
        extract_docs: 200,
        seed: 1,
        font: PathBuf::from(xtask::pdf::FONT_PATH),
        search_bench: PathBuf::from("target/release/examples/search_bench"),
        search_docs: 20_000,
        parts: ["extract", "realfiles", "review", "search"]
            .map(String::from)
            .to_vec(),
        formats: vec![
            corpus::Format::Pdf,
            corpus::Format::Docx,
            corpus::Format::Odt,
        ],
    };
    let mut report = None;
    for (k, v) in flags(args)? {
        match k.as_str() {
            "work" => o.work = PathBuf::from(v),
            "shnor" => o.shnor = PathBuf::from(v),
            "realfiles" => o.realfiles = PathBuf::from(v),
            "sizes" => o.sizes = v.split(',').map(str::parse).collect::<Result<_, _>>()?,
            "extract-docs" => o.extract_docs = v.parse()?,
            "seed" => o.seed = v.parse()?,
            "font" => o.font = PathBuf::from(v),
            "search-bench" => o.search_bench = PathBuf::from(v),
            "search-docs" => o.search_docs = v.parse()?,
            "parts" => o.parts = v.split(',').map(String::from).collect(),
            "formats" => {
                o.formats = v
                    .split(',')
                    .map(corpus::Format::parse)
                    .collect::<Result<_, _>>()?
            }
            "report" => report = Some(PathBuf::from(v)),
            _ => anyhow::bail!("unknown option --{k}"),
        }
    }
    let md = xtask::bench::run(&o)?;
    print!("{md}");
    if let Some(path) = report {
        std::fs::write(&path, &md)?;
        eprintln!("[bench] report written to {}", path.display());
    }
    Ok(())
}
