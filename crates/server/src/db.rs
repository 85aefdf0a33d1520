//! The SQLite database: one file in the data directory, in WAL mode, with a
//! pool of readers and a single writer so writes queue in-process instead of
//! failing with SQLITE_BUSY.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};

use crate::config::Config;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) read: SqlitePool,
    pub(crate) write: SqlitePool,
}

impl Db {
    pub async fn open(config: &Config) -> AppResult<Db> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            AppError::Internal(format!(
                "cannot create data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(config.database_path())
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-32768");
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&write).await?;
        // A reader hands rows to the async side through a channel; a deep one
        // lets a sync page stream out without a thread switch every few rows.
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true).row_buffer_size(4096))
            .await?;
        Ok(Db { read, write })
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

pub(crate) async fn meta_get(conn: &mut SqliteConnection, key: &str) -> AppResult<Option<String>> {
    Ok(
        sqlx::query_scalar::<_, String>("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(conn)
            .await?,
    )
}

pub(crate) async fn meta_set(conn: &mut SqliteConnection, key: &str, value: &str) -> AppResult<()> {
    sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}
