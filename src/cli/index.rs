//! `shnor index` (not implemented yet).

#[derive(clap::Args)]
pub struct IndexArgs {}

pub fn run(_args: IndexArgs) -> anyhow::Result<u8> {
    anyhow::bail!("команда ещё не реализована")
}
