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
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") => run_gen(&args[1..]),
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
