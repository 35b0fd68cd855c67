//! `shnor rules` (not implemented yet).

#[derive(clap::Args)]
pub struct RulesArgs {}

pub fn run(_args: RulesArgs) -> anyhow::Result<u8> {
    anyhow::bail!("команда ещё не реализована")
}
