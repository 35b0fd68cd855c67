//! `shnor eval` (not implemented yet).

#[derive(clap::Args)]
pub struct EvalArgs {}

pub fn run(_args: EvalArgs) -> anyhow::Result<u8> {
    anyhow::bail!("команда ещё не реализована")
}
