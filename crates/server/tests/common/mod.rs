//! Calling the router directly (no socket) against a real SQLite file; the
//! real server over HTTP in `live`, paying through it in `paying`; the tools
//! that read documents in `pdf`.

#![allow(dead_code)]

pub mod live;
pub mod paying;
pub mod pdf;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use claimdesk_server::{App, Config, TestClock, demo};
use http_body_util::BodyExt;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

pub struct Harness {
    pub app: App,
    pub clock: Arc<TestClock>,
    pub dir: TempDir,
    router: Router,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn new(status: StatusCode, headers: HeaderMap, bytes: Vec<u8>) -> Reply {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
            bytes,
        }
    }

    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

impl Harness {
    pub async fn demo() -> Harness {
        Harness::with(|_| {}).await
    }

    pub async fn with(adjust: impl FnOnce(&mut Config)) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let clock = TestClock::starting_now();
        let mut config = Config::new(dir.path()).with_clock(clock.clone());
        adjust(&mut config);
        let app = App::open(config).await.unwrap();
        app.load_demo().await.unwrap();
        Harness::around(app, clock, dir)
    }

    pub fn around(app: App, clock: Arc<TestClock>, dir: TempDir) -> Harness {
        let router = app
            .router()
            .layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 10], 40000))));
        Harness {
            app,
            clock,
            dir,
            router,
        }
    }

    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use claimdesk_server::Clock;
        self.clock.now()
    }

    /// Signs in with the demo password.
    pub async fn token(&self, email: &str) -> String {
        self.app.login(email, demo::PASSWORD).await.unwrap().token
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply::new(status, headers, bytes.to_vec())
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        };
        self.send(request.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }
}

impl Harness {
    /// A finished tus upload of `bytes` by the holder of `token`; its id.
    pub async fn upload(&self, token: &str, bytes: &[u8], name: &str) -> String {
        use base64::Engine as _;
        use base64::engine::general_purpose::STANDARD;
        use sha2::Digest as _;
        let sha256 = hex::encode(sha2::Sha256::digest(bytes));
        let metadata = format!(
            "filename {},sha256 {}",
            STANDARD.encode(name),
            STANDARD.encode(&sha256)
        );
        let created = self
            .send(
                Request::post(claimdesk_api::routes::UPLOADS)
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header("Tus-Resumable", "1.0.0")
                    .header("Upload-Length", bytes.len())
                    .header("Upload-Metadata", metadata)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let location = created.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        let patched = self
            .send(
                Request::patch(location.as_str())
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header("Tus-Resumable", "1.0.0")
                    .header(header::CONTENT_TYPE, "application/offset+octet-stream")
                    .header("Upload-Offset", 0)
                    .body(Body::from(bytes.to_vec()))
                    .unwrap(),
            )
            .await;
        assert_eq!(patched.status, StatusCode::NO_CONTENT, "{}", patched.text);
        location.rsplit('/').next().unwrap().to_owned()
    }
}

/// A small PDF, different for each `seed`.
pub fn pdf_bytes(seed: u32) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.extend_from_slice(format!("document {seed}\n").as_bytes());
    bytes.resize(4096, b'.');
    bytes
}
