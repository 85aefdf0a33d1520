//! The claimdesk central API: accounts and sessions, procedures, claims and
//! dossiers behind per-user grants, the sync feed clients replicate, agency
//! changes, and the demo and benchmark data sets.
//!
//! ```no_run
//! # async fn run() -> Result<(), claimdesk_server::AppError> {
//! use claimdesk_server::{App, Config};
//! let app = App::open(Config::new("./claimdesk-data")).await?;
//! app.load_demo().await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8620").await.unwrap();
//! axum::serve(
//!     listener,
//!     app.router().into_make_service_with_connect_info::<std::net::SocketAddr>(),
//! )
//! .await
//! .unwrap();
//! # Ok(()) }
//! ```

mod access;
mod activation;
mod auth;
mod changes;
mod config;
mod db;
pub mod demo;
mod demo_ledgers;
mod dividends;
mod documents;
mod error;
mod extract;
mod feed;
mod idempotency;
mod inserts;
mod limiter;
mod mandates;
pub mod openapi;
mod payments;
mod records;
mod requests;
mod routes;
pub mod seed;
mod statements;
pub mod testing;
mod uploads;
mod validate;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use axum::Router;
use claimdesk_api::auth::Session;
use tokio::sync::OnceCell;

pub use config::{Clock, Config, PaymentProvider, StripeKeys, SystemClock, TestClock};
pub use error::AppError;
pub use seed::{SeedReport, SeedSpec};

use crate::db::Db;
use crate::error::AppResult;
use crate::limiter::LoginLimiter;

/// Everything a request handler needs.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) db: Db,
    pub(crate) config: Arc<Config>,
    pub(crate) limiter: Arc<LoginLimiter>,
    /// Identifies this database in sync cursors.
    pub(crate) instance: Arc<str>,
    pub(crate) upload_writers: Arc<uploads::Writers>,
    /// Who takes card payments, from the configuration.
    pub(crate) provider: Arc<payments::providers::Provider>,
    dummy_hash: Arc<OnceCell<String>>,
}

impl AppState {
    /// A hash to verify against when the account does not exist, so that
    /// answering takes as long as for a wrong password.
    pub(crate) async fn dummy_hash(&self) -> AppResult<String> {
        self.dummy_hash
            .get_or_try_init(|| auth::hash_password(auth::new_token()))
            .await
            .cloned()
    }
}

/// An opened server: its database, migrated, and what it serves.
#[derive(Clone)]
pub struct App {
    state: AppState,
}

impl App {
    /// Opens (creating if needed) `<data_dir>/claimdesk.sqlite` and migrates it.
    pub async fn open(config: Config) -> Result<App, AppError> {
        let provider = payments::providers::Provider::from_config(&config)?;
        let db = Db::open(&config).await?;
        let instance = {
            let mut conn = db.write.acquire().await?;
            match db::meta_get(&mut conn, "instance").await? {
                Some(id) => id,
                None => {
                    let id = auth::new_token()[..16].to_owned();
                    db::meta_set(&mut conn, "instance", &id).await?;
                    id
                }
            }
        };
        Ok(App {
            state: AppState {
                db,
                config: Arc::new(config),
                limiter: Arc::new(LoginLimiter::default()),
                instance: instance.into(),
                upload_writers: Arc::new(uploads::Writers::default()),
                provider: Arc::new(provider),
                dummy_hash: Arc::new(OnceCell::new()),
            },
        })
    }

    /// The HTTP API. Serve it with
    /// `into_make_service_with_connect_info::<SocketAddr>()` so that sign-in
    /// limits see client addresses.
    pub fn router(&self) -> Router {
        routes::router(self.state.clone())
    }

    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// Loads the demo data set unless it is already there. Returns whether
    /// it was loaded by this call.
    pub async fn load_demo(&self) -> Result<bool, AppError> {
        let loaded = demo::load(&self.state.db).await?;
        documents::load_demo(&self.state.db, &self.state.config).await?;
        requests::demo::load(&self.state.db, &self.state.config).await?;
        Ok(loaded)
    }

    /// Writes a large deterministic data set for benchmarks.
    pub async fn seed_bulk(&self, spec: SeedSpec) -> Result<SeedReport, AppError> {
        seed::run(&self.state.db, &self.state.config, spec).await
    }

    /// Signs in as an HTTP client would, under the same limits, from the
    /// loopback address.
    pub async fn login(&self, email: &str, password: &str) -> Result<Session, AppError> {
        routes::auth::sign_in(
            &self.state,
            email,
            password,
            IpAddr::V4(Ipv4Addr::LOCALHOST),
        )
        .await
    }

    /// The id of the étude of this name: what admin grants name an étude by,
    /// since the user-facing records carry only its name.
    pub async fn etude_id(&self, name: &str) -> Result<Option<i64>, AppError> {
        let mut conn = self.state.db.read.acquire().await?;
        Ok(sqlx::query_scalar("SELECT id FROM etudes WHERE name = ?")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?)
    }

    /// Removes expired uploads, unfinished or finished and unused, so their
    /// space comes back even when nobody uploads.
    pub async fn sweep_uploads(&self) -> Result<(), AppError> {
        let mut tx = self.state.db.write.begin().await?;
        uploads::sweep_expired(&mut tx, &self.state.config).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes the database connections; the app is unusable afterwards.
    pub async fn close(&self) {
        self.state.db.close().await;
    }
}
