use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("VAULT_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr);
    // One JSON object per line for log shippers; readable text otherwise.
    match std::env::var("VAULT_LOG_FORMAT").as_deref() {
        Ok("json") => logs.json().init(),
        Ok("text") | Err(_) => logs.init(),
        Ok(other) => {
            logs.init();
            tracing::warn!("VAULT_LOG_FORMAT={other} is not json or text: logging text");
        }
    }
    // The shell's rights are this process's to claim once, before anything else can.
    let Some(shell) = app::domain::identity::shell::Shell::claim() else {
        eprintln!("error: the operator's shell was claimed before main");
        return std::process::ExitCode::FAILURE;
    };
    let cli = server::cli::Cli::parse();
    match server::cli::run(cli, shell).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
