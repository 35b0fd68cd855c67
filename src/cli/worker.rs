//! `shnor __pdf-worker` (hidden): the child process that parses PDFs for the parent, so a
//! crash or hang in one file cannot take the batch down. Protocol: `extract::pdf::worker`.

#[derive(clap::Args)]
pub struct WorkerArgs {
    /// Address-space limit for this process in bytes (0 = none).
    #[arg(long, default_value_t = 0)]
    max_memory: u64,
}

pub fn run(args: WorkerArgs) -> anyhow::Result<u8> {
    shnor::extract::pdf::worker::serve(args.max_memory)?;
    Ok(0)
}
