//! The real server on a loopback port, spoken to over HTTP with reqwest as
//! a client would.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use claimdesk_api::routes;
use claimdesk_api::sync::{Change, Entity, SyncPage};
use claimdesk_domain::Money;
use claimdesk_server::Config;
use claimdesk_server::testing::TestServer;
use serde_json::Value;
use sqlx::SqlitePool;
use tempfile::TempDir;

use super::Reply;

pub struct Live {
    pub server: TestServer,
    pub http: reqwest::Client,
    // Declared after the server so that it outlives it: the data directory
    // of `start_with`.
    _dir: Option<TempDir>,
}

impl Live {
    /// The demo on a fresh temporary data directory.
    pub async fn start() -> Live {
        Live {
            server: TestServer::start_demo().await,
            http: reqwest::Client::new(),
            _dir: None,
        }
    }

    /// The demo on a fresh data directory, with the configuration adjusted.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Live {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path());
        adjust(&mut config);
        Live {
            server: TestServer::start_with(config).await,
            http: reqwest::Client::new(),
            _dir: Some(dir),
        }
    }

    /// A fresh session (sessions expire when a test clock jumps months).
    pub async fn token(&self, email: &str) -> String {
        self.server.token_for(email).await
    }

    pub async fn reply(response: reqwest::Response) -> Reply {
        let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
        let headers = response.headers().clone();
        Reply::new(status, headers, response.bytes().await.unwrap().to_vec())
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        let response = self
            .http
            .get(self.server.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        Live::reply(response).await
    }

    /// A POST with `Idempotency-Key: key` when one is given.
    pub async fn post(&self, path: &str, token: &str, key: Option<&str>, body: &Value) -> Reply {
        let mut request = self
            .http
            .post(self.server.url(path))
            .bearer_auth(token)
            .json(body);
        if let Some(key) = key {
            request = request.header(claimdesk_api::payments::IDEMPOTENCY_KEY_HEADER, key);
        }
        Live::reply(request.send().await.unwrap()).await
    }

    /// The server's database, read-only, to count what was written.
    pub async fn db(&self) -> SqlitePool {
        let file = self.server.data_dir.join("claimdesk.sqlite");
        SqlitePool::connect(&format!("sqlite://{}?mode=ro", file.display()))
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db().await)
            .await
            .unwrap()
    }

    /// A dossier of the user's that owes more than `more_than`.
    pub async fn owing_dossier(&self, token: &str, more_than: Money) -> Value {
        self.get(routes::DOSSIERS, token)
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["balance"].as_str().unwrap().parse::<Money>().unwrap() > more_than)
            .expect("a demo dossier with a balance")
            .clone()
    }

    /// Every change of the user's feed after `cursor`, read `limit` a page,
    /// in order; and the cursor after them.
    pub async fn changes(&self, token: &str, cursor: &str, limit: u32) -> (Vec<Change>, String) {
        let mut changes = Vec::new();
        let mut cursor = cursor.to_owned();
        loop {
            let page = self
                .get(
                    &format!("{}?limit={limit}&cursor={cursor}", routes::SYNC),
                    token,
                )
                .await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.text);
            let page: SyncPage = serde_json::from_slice(&page.bytes).unwrap();
            changes.extend(page.changes);
            cursor = page.next_cursor;
            if !page.more {
                return (changes, cursor);
            }
        }
    }

    /// Everything the user's feed holds, latest state per entity.
    pub async fn sync_all(&self, token: &str) -> BTreeMap<(String, i64), Entity> {
        let mut out = BTreeMap::new();
        for change in self.changes(token, "", 1000).await.0 {
            match change {
                Change::Upsert { entity } => {
                    out.insert((entity.kind().as_str().to_owned(), entity.id()), entity);
                }
                Change::Delete { kind, id } => {
                    out.remove(&(kind.as_str().to_owned(), id));
                }
            }
        }
        out
    }
}
