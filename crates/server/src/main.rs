//! `claimdesk-server`: serves the central API, or writes the benchmark data
//! set, or prints the OpenAPI document.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use claimdesk_server::{App, Config, SeedSpec, demo};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "claimdesk-server",
    version,
    about = "The claimdesk central API"
)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8620")]
    listen: SocketAddr,
    /// Data directory (holds claimdesk.sqlite).
    #[arg(long, default_value = "./claimdesk-data")]
    data: PathBuf,
    /// Load the demo data set (once) and print its accounts.
    #[arg(long)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a large deterministic data set for benchmarks.
    Seed {
        #[arg(long, default_value = "./claimdesk-data")]
        data: PathBuf,
        #[arg(long, default_value_t = 5_000)]
        procedures: u32,
        #[arg(long, default_value_t = 50_000)]
        claims: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Give claims the debts and terms their statements are computed from.
        #[arg(long)]
        ledgers: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Openapi) => {
            print!("{}", claimdesk_server::openapi::document_json());
            Ok(())
        }
        Some(Command::Seed {
            data,
            procedures,
            claims,
            seed,
            ledgers,
        }) => {
            let app = App::open(Config::new(&data))
                .await
                .with_context(|| format!("opening {}", data.display()))?;
            let report = app
                .seed_bulk(SeedSpec {
                    procedures,
                    claims,
                    seed,
                    ledgers,
                })
                .await
                .context("seeding")?;
            app.close().await;
            println!(
                "seeded {} procedures, {} dossiers and {} claims in {:.1} s into {}",
                report.procedures,
                report.dossiers,
                report.claims,
                report.elapsed.as_secs_f64(),
                data.display()
            );
            println!("étude: {}", report.etude);
            println!(
                "sign in as {} with password {}",
                report.user, report.password
            );
            Ok(())
        }
        None => serve(cli.listen, cli.data, cli.demo).await,
    }
}

async fn serve(listen: SocketAddr, data: PathBuf, with_demo: bool) -> anyhow::Result<()> {
    let app = App::open(Config::new(&data))
        .await
        .with_context(|| format!("opening {}", data.display()))?;
    if with_demo {
        let loaded = app.load_demo().await.context("loading the demo data")?;
        println!(
            "demo data {} (étude: {})",
            if loaded { "loaded" } else { "already present" },
            demo::ETUDE_NAME
        );
        println!("demo accounts, all with password {:?}:", demo::PASSWORD);
        for (email, role) in demo::accounts() {
            println!("  {:<32} {}", email, role.as_str());
        }
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let local = listener.local_addr()?;
    println!(
        "claimdesk-server listening on http://{local} (data: {})",
        data.display()
    );
    axum::serve(
        listener,
        app.router()
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving")?;
    app.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
