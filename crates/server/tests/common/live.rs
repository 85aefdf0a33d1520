//! The real server on a loopback port, spoken to over HTTP with reqwest.

use axum::http::StatusCode;
use claimdesk_api::routes;
use claimdesk_domain::Money;
use claimdesk_server::testing::TestServer;
use serde_json::Value;

use super::Reply;

pub struct Live {
    pub server: TestServer,
    http: reqwest::Client,
}

impl Live {
    pub async fn start() -> Live {
        Live {
            server: TestServer::start_demo().await,
            http: reqwest::Client::new(),
        }
    }

    pub async fn token(&self, email: &str) -> String {
        self.server.token_for(email).await
    }

    async fn reply(response: reqwest::Response) -> Reply {
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
}
