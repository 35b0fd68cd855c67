//! `shnor review` (not implemented yet).

#[derive(clap::Args)]
pub struct ReviewArgs {}

pub fn run(_args: ReviewArgs) -> anyhow::Result<u8> {
    anyhow::bail!("команда ещё не реализована")
}
