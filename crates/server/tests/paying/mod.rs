//! Shared by the payment tests: a real server on loopback, spoken to over
//! real HTTP as a client would.

#![allow(dead_code)]

use std::collections::BTreeMap;

use claimdesk_api::payments::{Due, IDEMPOTENCY_KEY_HEADER, Payment};
use claimdesk_api::records::Dossier;
use claimdesk_api::routes::{self, path};
use claimdesk_api::sync::{Change, Entity, SyncPage};
use claimdesk_server::testing::TestServer;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::SqlitePool;

pub struct Reply {
    pub status: StatusCode,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or("").to_owned()
    }

    pub fn message(&self) -> String {
        self.json()["message"].as_str().unwrap_or("").to_owned()
    }

    pub fn payment(&self) -> Payment {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("a payment ({e}): {} {}", self.status, self.text))
    }
}

pub struct Api {
    pub server: TestServer,
    pub http: reqwest::Client,
}

impl Api {
    pub async fn demo() -> Api {
        Api {
            server: TestServer::start_demo().await,
            http: reqwest::Client::new(),
        }
    }

    pub async fn token(&self, email: &str) -> String {
        self.server.token_for(email).await
    }

    pub async fn get(&self, route: &str, token: &str) -> Reply {
        let response = self
            .http
            .get(self.server.url(route))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        Reply {
            status: response.status(),
            text: response.text().await.unwrap(),
        }
    }

    pub async fn post(&self, route: &str, token: &str, key: Option<&str>, body: &Value) -> Reply {
        let mut request = self
            .http
            .post(self.server.url(route))
            .bearer_auth(token)
            .json(body);
        if let Some(key) = key {
            request = request.header(IDEMPOTENCY_KEY_HEADER, key);
        }
        let response = request.send().await.unwrap();
        Reply {
            status: response.status(),
            text: response.text().await.unwrap(),
        }
    }

    pub async fn pay(&self, token: &str, key: &str, body: &Value) -> Reply {
        self.post(routes::PAYMENTS, token, Some(key), body).await
    }

    /// `n` identical orders sent at once; their answers, in no order.
    pub async fn pay_at_once(
        &self,
        token: &str,
        key: &str,
        body: &Value,
        n: usize,
    ) -> Vec<(StatusCode, String)> {
        let mut tasks = Vec::new();
        for _ in 0..n {
            let request = self
                .http
                .post(self.server.url(routes::PAYMENTS))
                .bearer_auth(token)
                .header(IDEMPOTENCY_KEY_HEADER, key)
                .json(body);
            tasks.push(tokio::spawn(async move {
                let response = request.send().await.unwrap();
                (response.status(), response.text().await.unwrap())
            }));
        }
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap());
        }
        answers
    }

    pub async fn due(&self, token: &str, reference: &str) -> Due {
        let reply = self.get(&path(routes::DOSSIER_DUE, reference), token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        serde_json::from_str(&reply.text).unwrap()
    }

    /// A dossier of this user's with something due and an unpaid instalment.
    pub async fn dossier_to_pay(&self, token: &str) -> Due {
        let reply = self.get(routes::DOSSIERS, token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let dossiers: Vec<Dossier> = serde_json::from_str(&reply.text).unwrap();
        for dossier in dossiers {
            if !dossier.balance.is_positive() {
                continue;
            }
            let due = self.due(token, &dossier.reference).await;
            if due.installments.iter().any(|i| i.paid < i.amount) {
                return due;
            }
        }
        panic!("the demo user has a dossier with an unpaid instalment")
    }

    /// Everything the user's feed holds, latest state per entity.
    pub async fn sync_all(&self, token: &str) -> BTreeMap<(String, i64), Entity> {
        let mut cursor = String::new();
        let mut out = BTreeMap::new();
        loop {
            let reply = self
                .get(
                    &format!("{}?limit=1000&cursor={cursor}", routes::SYNC),
                    token,
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            let page: SyncPage = serde_json::from_str(&reply.text).unwrap();
            for change in page.changes {
                match change {
                    Change::Upsert { entity } => {
                        out.insert((entity.kind().as_str().to_owned(), entity.id()), entity);
                    }
                    Change::Delete { kind, id } => {
                        out.remove(&(kind.as_str().to_owned(), id));
                    }
                }
            }
            cursor = page.next_cursor;
            if !page.more {
                return out;
            }
        }
    }

    /// The server's database, read-only, to count what was written.
    pub async fn db(&self) -> SqlitePool {
        let file = self.server.data_dir.join("claimdesk.sqlite");
        SqlitePool::connect(&format!("sqlite://{}?mode=ro", file.display()))
            .await
            .unwrap()
    }
}
