//! `shnor worker` (not implemented yet).

#[derive(clap::Args)]
pub struct WorkerArgs {}

pub fn run(_args: WorkerArgs) -> anyhow::Result<u8> {
    anyhow::bail!("команда ещё не реализована")
}
