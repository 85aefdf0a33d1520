//! `claimdesk-server`: serves the central API, or writes the benchmark data
//! set, or prints the OpenAPI document.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use claimdesk_server::{App, Config, PaymentProvider, SeedSpec, StripeKeys, demo};
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
    #[command(flatten)]
    limits: Limits,
    #[command(flatten)]
    payments: Payments,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Upload limits; the defaults suit a shared server.
#[derive(Debug, clap::Args)]
struct Limits {
    /// Largest file an upload may declare, in bytes [default: 209715200, 200 MiB].
    #[arg(long, env = "CLAIMDESK_MAX_UPLOAD_BYTES", value_name = "BYTES")]
    max_upload_bytes: Option<u64>,
    /// Bytes one user may hold in uploads and documents [default: 2147483648, 2 GiB].
    #[arg(long, env = "CLAIMDESK_USER_QUOTA_BYTES", value_name = "BYTES")]
    user_quota_bytes: Option<u64>,
    /// Hours a finished upload no document was made of is kept [default: 168].
    #[arg(long, env = "CLAIMDESK_UNUSED_UPLOAD_HOURS", value_name = "HOURS")]
    unused_upload_hours: Option<u64>,
}

impl Limits {
    fn apply(&self, mut config: Config) -> Config {
        if let Some(bytes) = self.max_upload_bytes {
            config.max_upload_bytes = bytes;
        }
        if let Some(bytes) = self.user_quota_bytes {
            config.user_quota_bytes = bytes;
        }
        if let Some(hours) = self.unused_upload_hours {
            config.unused_upload_expiry =
                std::time::Duration::from_secs(hours.saturating_mul(3600));
        }
        config
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ProviderName {
    /// Built in: a hosted page served by this server, offline (the demo default).
    Sandbox,
    /// Stripe Checkout; keys from CLAIMDESK_STRIPE_SECRET_KEY and
    /// CLAIMDESK_STRIPE_WEBHOOK_SECRET.
    Stripe,
}

/// Who takes card payments and how browsers reach this server.
#[derive(Debug, clap::Args)]
struct Payments {
    /// The card payment provider.
    #[arg(
        long,
        value_enum,
        default_value = "sandbox",
        env = "CLAIMDESK_PAYMENT_PROVIDER"
    )]
    payment_provider: ProviderName,
    /// The base URL browsers and the sandbox reach this server at (hosted
    /// pages, return pages, sandbox webhooks) [default: http://<listen address>].
    #[arg(long, env = "CLAIMDESK_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
}

impl Payments {
    /// Keys are read from the environment only, never from arguments (which
    /// other users of the machine can see) or files in the repository.
    fn apply(&self, mut config: Config, listen: SocketAddr) -> anyhow::Result<Config> {
        config.public_url = match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let host = if listen.ip().is_unspecified() {
                    std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
                } else {
                    listen.ip()
                };
                format!("http://{}", SocketAddr::new(host, listen.port()))
            }
        };
        config.payment_provider = match self.payment_provider {
            ProviderName::Sandbox => PaymentProvider::Sandbox,
            ProviderName::Stripe => {
                let var = |name: &str| {
                    std::env::var(name)
                        .ok()
                        .filter(|v| !v.trim().is_empty())
                        .with_context(|| format!("--payment-provider stripe needs {name} set"))
                };
                PaymentProvider::Stripe(StripeKeys {
                    secret_key: var("CLAIMDESK_STRIPE_SECRET_KEY")?,
                    webhook_secret: var("CLAIMDESK_STRIPE_WEBHOOK_SECRET")?,
                    api_base: std::env::var("CLAIMDESK_STRIPE_API_BASE")
                        .ok()
                        .filter(|v| !v.trim().is_empty())
                        .unwrap_or_else(|| "https://api.stripe.com".to_owned()),
                })
            }
        };
        Ok(config)
    }
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
        None => {
            let config = cli.limits.apply(Config::new(&cli.data));
            serve(cli.listen, config, &cli.payments, cli.demo).await
        }
    }
}

async fn serve(
    listen: SocketAddr,
    config: Config,
    payments: &Payments,
    with_demo: bool,
) -> anyhow::Result<()> {
    // Bound first: the public URL's default is the port actually bound.
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let local = listener.local_addr()?;
    let config = payments.apply(config, local)?;
    let data = config.data_dir.clone();
    let app = App::open(config)
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
    let sweeper = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every.tick().await;
                if let Err(e) = app.sweep_uploads().await {
                    tracing::warn!(error = %e, "expired uploads not swept");
                }
            }
        })
    };
    println!(
        "claimdesk-server listening on http://{local} (data: {}, payments: {})",
        data.display(),
        app.config().payment_provider.name()
    );
    axum::serve(
        listener,
        app.router()
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving")?;
    sweeper.abort();
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
