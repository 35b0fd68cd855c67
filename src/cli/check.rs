//! `shnor check` (not implemented yet).

#[derive(clap::Args)]
pub struct CheckArgs {}

pub fn run(_args: CheckArgs) -> anyhow::Result<u8> {
    anyhow::bail!("команда ещё не реализована")
}
