//! `shnor search` (not implemented yet).

#[derive(clap::Args)]
pub struct SearchArgs {}

pub fn run(_args: SearchArgs) -> anyhow::Result<u8> {
    anyhow::bail!("команда ещё не реализована")
}
