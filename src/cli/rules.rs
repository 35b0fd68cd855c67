//! `shnor rules check [DIR]`: validate a rules folder and report every problem with file, line
//! and reason. Exit 0 when valid, 2 otherwise.

use std::path::PathBuf;

use shnor::rules::{FILES, Rules};

#[derive(clap::Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(clap::Subcommand)]
enum RulesCommand {
    /// Проверить папку с правилами (по умолчанию — встроенные правила)
    Check {
        /// Папка с файлами правил (*.toml)
        dir: Option<PathBuf>,
    },
}

pub fn run(args: RulesArgs) -> anyhow::Result<u8> {
    match args.command {
        RulesCommand::Check { dir } => check(dir),
    }
}

fn check(dir: Option<PathBuf>) -> anyhow::Result<u8> {
    let (label, result) = match &dir {
        Some(d) => (d.display().to_string(), Rules::load_checked(d)),
        None => ("встроенные правила".to_string(), Ok(Rules::builtin())),
    };
    match result {
        Ok(rules) => {
            let n: usize = rules.elements.iter().map(|e| e.rules.len()).sum();
            println!("Правила в порядке: {label}");
            println!(
                "  файлов: {}, правил элементов: {n}, контекстов: {}, факторов риска: {}",
                FILES.len(),
                rules.contexts.len(),
                rules.risks.len()
            );
            println!("  версия правил: {}", rules.version);
            Ok(0)
        }
        Err(issues) => {
            println!("Ошибки в правилах ({label}): {}", issues.len());
            for i in &issues {
                println!("  {i}");
            }
            Ok(2)
        }
    }
}
