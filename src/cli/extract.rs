//! `shnor extract` (not implemented yet).

#[derive(clap::Args)]
pub struct ExtractArgs {}

pub fn run(_args: ExtractArgs) -> anyhow::Result<u8> {
    anyhow::bail!("команда ещё не реализована")
}
