//! The HTTP client of the central API: timeouts, bearer token, the error body
//! decoded into [`ClientError`], and retries with backoff for transient failures.

use std::time::Duration;

use bytes::Bytes;
use claimdesk_api::auth::{ActivateRequest, LoginRequest, Session, User};
use claimdesk_api::payments::IDEMPOTENCY_KEY_HEADER;
use claimdesk_api::records::{ClaimPage, Dossier, DossierDetail, Installment, Procedure};
use claimdesk_api::sync::SyncPage;
use claimdesk_api::{ErrorBody, ErrorCode, routes};
pub use reqwest::Method;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::credentials::SessionToken;
use crate::error::{ClientError, Result};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How often and how patiently a transient failure is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub max_tries: u32,
    /// Wait before the second try; doubled for each next one.
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl RetryPolicy {
    pub const NONE: RetryPolicy = RetryPolicy {
        max_tries: 1,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
    };

    /// The wait before try number `next_try` (2 for the first retry), with a
    /// little jitter so clients cut off together do not come back together.
    pub(crate) fn delay(&self, next_try: u32, retry_after: Option<Duration>) -> Duration {
        let doubling = self
            .base_delay
            .saturating_mul(1u32 << (next_try.saturating_sub(2)).min(16));
        let backoff = doubling.min(self.max_delay);
        let jitter = if backoff.is_zero() {
            Duration::ZERO
        } else {
            backoff.mul_f64(rand::random::<f64>() * 0.2)
        };
        (backoff + jitter).max(retry_after.unwrap_or_default())
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_tries: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// A server that asks to wait longer than this gets its error passed on
/// instead of a frozen client.
const MAX_HONOURED_RETRY_AFTER: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base_url: String,
    token: Option<SessionToken>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.base_url)
            .field("token", &self.token)
            .field("retry", &self.retry)
            .finish()
    }
}

/// `http://host:port` without a trailing slash; refuses what is not an http(s) URL.
pub fn normalize_server(server: &str) -> Result<String> {
    let trimmed = server.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(trimmed)
        .map_err(|e| ClientError::InvalidServer(format!("{trimmed} ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ClientError::InvalidServer(format!(
            "{trimmed} (expected http://host:port or https://host)"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ClientError::InvalidServer(format!(
            "{trimmed} (no query or fragment)"
        )));
    }
    Ok(trimmed.to_owned())
}

impl ApiClient {
    pub fn new(server: &str) -> Result<ApiClient> {
        Self::with_timeouts(server, CONNECT_TIMEOUT, REQUEST_TIMEOUT)
    }

    pub fn with_timeouts(server: &str, connect: Duration, request: Duration) -> Result<ApiClient> {
        let base_url = normalize_server(server)?;
        let http = reqwest::Client::builder()
            .connect_timeout(connect)
            .timeout(request)
            .user_agent(concat!("claimdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Protocol(format!("cannot build the HTTP client: {e}")))?;
        Ok(ApiClient {
            http,
            base_url,
            token: None,
            retry: RetryPolicy::default(),
        })
    }

    pub fn with_token(mut self, token: SessionToken) -> ApiClient {
        self.token = Some(token);
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> ApiClient {
        self.retry = retry;
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn token(&self) -> Option<&SessionToken> {
        self.token.as_ref()
    }

    pub async fn health(&self) -> Result<()> {
        self.send::<(), serde_json::Value>(Method::GET, routes::HEALTH, &[], None)
            .await
            .map(drop)
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<Session> {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        self.send(Method::POST, routes::LOGIN, &[], Some(&body))
            .await
    }

    pub async fn activate(&self, request: &ActivateRequest) -> Result<Session> {
        self.send(Method::POST, routes::ACTIVATE, &[], Some(request))
            .await
    }

    pub async fn refresh(&self) -> Result<Session> {
        self.send::<(), _>(Method::POST, routes::REFRESH, &[], None)
            .await
    }

    pub async fn logout(&self) -> Result<()> {
        self.send_raw::<()>(Method::POST, routes::LOGOUT, &[], None)
            .await
            .map(drop)
    }

    pub async fn me(&self) -> Result<User> {
        self.get(routes::ME, &[]).await
    }

    pub async fn sync_page(&self, cursor: Option<&str>, limit: u32) -> Result<SyncPage> {
        let limit = limit.to_string();
        let mut query = vec![("limit", limit.as_str())];
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor));
        }
        self.get(routes::SYNC, &query).await
    }

    pub async fn procedures(&self) -> Result<Vec<Procedure>> {
        self.get(routes::PROCEDURES, &[]).await
    }

    pub async fn procedure(&self, id: i64) -> Result<Procedure> {
        self.get(&routes::path(routes::PROCEDURE, id), &[]).await
    }

    pub async fn claims_page(&self, after: Option<i64>, limit: u32) -> Result<ClaimPage> {
        let limit = limit.to_string();
        let after = after.map(|a| a.to_string());
        let mut query = vec![("limit", limit.as_str())];
        if let Some(after) = after.as_deref() {
            query.push(("after", after));
        }
        self.get(routes::CLAIMS, &query).await
    }

    pub async fn dossiers(&self) -> Result<Vec<Dossier>> {
        self.get(routes::DOSSIERS, &[]).await
    }

    pub async fn dossier(&self, reference: &str) -> Result<DossierDetail> {
        self.get(&routes::path(routes::DOSSIER, reference), &[])
            .await
    }

    pub async fn installments(&self, reference: &str) -> Result<Vec<Installment>> {
        self.get(&routes::path(routes::DOSSIER_INSTALLMENTS, reference), &[])
            .await
    }

    /// A POST that creates (a payment, a mandate, a dividend) under an
    /// `Idempotency-Key`. With the key, repeating it is always harmless: the
    /// server answers a replay with its first response. So it is tried again,
    /// with backoff, after any transient failure, the server's
    /// `request_in_progress` included.
    pub async fn post_idempotent<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        key: &str,
        body: &B,
    ) -> Result<T> {
        let mut tries = 0;
        loop {
            tries += 1;
            let request = self
                .request(Method::POST, path)
                .header(IDEMPOTENCY_KEY_HEADER, key)
                .json(body);
            let outcome = match self.execute(request).await {
                Ok(response) => response.bytes().await.map_err(|e| ClientError::Network {
                    detail: root_cause(&e),
                }),
                Err(e) => Err(e),
            };
            let e = match outcome {
                Ok(bytes) => {
                    return serde_json::from_slice(&bytes).map_err(|e| {
                        ClientError::Protocol(format!(
                            "{path}: the answer does not fit the contract: {e}"
                        ))
                    });
                }
                Err(e) => e,
            };
            let retry_after = match &e {
                ClientError::Api { retry_after, .. } => *retry_after,
                _ => None,
            };
            let may_mend = is_in_progress(&e) || !e.is_permanent();
            if !may_mend
                || tries >= self.retry.max_tries
                || retry_after.is_some_and(|d| d > MAX_HONOURED_RETRY_AFTER)
            {
                return Err(e);
            }
            let delay = self.retry.delay(tries + 1, retry_after);
            tracing::debug!(%path, tries, ?delay, code = %e.code(), "retrying with the same key");
            tokio::time::sleep(delay).await;
        }
    }

    /// A GET of any JSON resource, for callers that need a route not wrapped above.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T> {
        self.send::<(), T>(Method::GET, path, query, None).await
    }

    /// A GET answered with a file (a PDF): its bytes as they came.
    pub async fn get_bytes(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<u8>> {
        self.send_raw::<()>(Method::GET, path, query, None)
            .await
            .map(|b| b.to_vec())
    }

    /// Any call of the contract answered with a JSON body (agency changes and
    /// routes not wrapped above).
    pub async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T> {
        self.send(method, path, &[], body).await
    }

    /// Any call of the contract answered without a body (`204 No Content`).
    pub async fn call_no_content<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<()> {
        self.send_raw(method, path, &[], body).await.map(drop)
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&B>,
    ) -> Result<T> {
        let bytes = self.send_raw(method, path, query, body).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            ClientError::Protocol(format!("{path}: the answer does not fit the contract: {e}"))
        })
    }

    async fn send_raw<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&B>,
    ) -> Result<Bytes> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.attempt(method.clone(), path, query, body).await {
                Ok(bytes) => return Ok(bytes),
                Err(e) => {
                    let retry_after = match &e {
                        ClientError::Api { retry_after, .. } => *retry_after,
                        _ => None,
                    };
                    let waits_too_long = retry_after.is_some_and(|d| d > MAX_HONOURED_RETRY_AFTER);
                    if e.is_permanent()
                        || tries >= self.retry.max_tries
                        || waits_too_long
                        || !safe_to_repeat(&method, &e)
                    {
                        return Err(e);
                    }
                    let delay = self.retry.delay(tries + 1, retry_after);
                    tracing::debug!(%path, tries, ?delay, code = %e.code(), "retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn attempt<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&B>,
    ) -> Result<Bytes> {
        let mut request = self
            .http
            .request(method, format!("{}{}", self.base_url, path));
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(token) = &self.token {
            request = request.bearer_auth(token.expose());
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let headers = response.headers().clone();
        // JSON is decoded apart, by serde: a failure while reading the body is
        // the connection breaking mid-answer (reqwest calls it a decode error),
        // which a retry or the next sync can mend.
        let bytes = response.bytes().await.map_err(|e| ClientError::Network {
            detail: root_cause(&e),
        })?;
        if status.is_success() {
            return Ok(bytes);
        }
        Err(api_error(status, &headers, &bytes))
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// A request to `path_or_url` (a route, or an absolute address the server
    /// gave, such as an upload's `Location`) with the bearer token, for
    /// exchanges that are not JSON in and out (tus, file contents).
    pub(crate) fn request(&self, method: Method, path_or_url: &str) -> reqwest::RequestBuilder {
        let url = if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            path_or_url.to_owned()
        } else {
            format!("{}{}", self.base_url, path_or_url)
        };
        let request = self.http.request(method, url);
        match &self.token {
            Some(token) => request.bearer_auth(token.expose()),
            None => request,
        }
    }

    /// Sends a request built by [`ApiClient::request`], once: a failure status
    /// becomes the typed error of its body.
    pub(crate) async fn execute(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response> {
        let response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(|e| ClientError::Network {
            detail: root_cause(&e),
        })?;
        Err(api_error(status, &headers, &bytes))
    }

    pub(crate) fn transport_error(&self, e: reqwest::Error) -> ClientError {
        if e.is_connect() {
            ClientError::Offline {
                server: self.base_url.clone(),
            }
        } else if e.is_timeout() {
            ClientError::Timeout
        } else if e.is_decode() || e.is_builder() {
            ClientError::Protocol(e.to_string())
        } else {
            ClientError::Network {
                detail: root_cause(&e),
            }
        }
    }
}

/// The server still works on an earlier request with the same key: the same
/// request again, later, gets its answer.
pub(crate) fn is_in_progress(e: &ClientError) -> bool {
    matches!(
        e,
        ClientError::Api {
            code: ErrorCode::RequestInProgress,
            ..
        }
    )
}

/// A request that may have reached the server is sent again only if doing it
/// twice is harmless; a POST is repeated only when it surely was not processed.
fn safe_to_repeat(method: &Method, e: &ClientError) -> bool {
    if method.is_idempotent() {
        return true;
    }
    matches!(
        e,
        ClientError::Offline { .. }
            | ClientError::Api {
                code: ErrorCode::RateLimited,
                ..
            }
    )
}

/// reqwest's own message is generic ("error sending request"); the innermost
/// cause says what happened (reset, closed before message completed...).
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut current = e;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

fn api_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ClientError {
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    match serde_json::from_slice::<ErrorBody>(body) {
        // A form refused field by field: the same error as the client's own check.
        Ok(ErrorBody { fields, .. }) if !fields.is_empty() => ClientError::InvalidFields(fields),
        Ok(ErrorBody { code, message, .. }) => ClientError::Api {
            status: status.as_u16(),
            code,
            message,
            retry_after,
        },
        // A proxy's error page or a crash: keep the status, which decides retries.
        Err(_) => ClientError::Api {
            status: status.as_u16(),
            code: if status.is_server_error() {
                ErrorCode::Internal
            } else {
                ErrorCode::Unknown
            },
            message: format!(
                "the server answered {status} without an error body",
                status = status.as_u16()
            ),
            retry_after,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_normalized() {
        assert_eq!(
            normalize_server("http://127.0.0.1:8620/").unwrap(),
            "http://127.0.0.1:8620"
        );
        assert!(normalize_server("ftp://x").is_err());
        assert!(normalize_server("127.0.0.1:8620").is_err());
        assert!(normalize_server("http://x/?a=b").is_err());
    }

    #[test]
    fn backoff_doubles_is_bounded_and_honours_retry_after() {
        let policy = RetryPolicy {
            max_tries: 6,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        let second = policy.delay(2, None);
        assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(120));
        let third = policy.delay(3, None);
        assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(240));
        assert!(policy.delay(6, None) <= Duration::from_millis(600));
        assert_eq!(
            policy.delay(2, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn posts_are_repeated_only_when_surely_not_processed() {
        let offline = ClientError::Offline { server: "s".into() };
        assert!(safe_to_repeat(&Method::POST, &offline));
        assert!(!safe_to_repeat(&Method::POST, &ClientError::Timeout));
        assert!(safe_to_repeat(&Method::GET, &ClientError::Timeout));
        let unavailable = api_error(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
        assert!(!safe_to_repeat(&Method::POST, &unavailable));
        assert!(safe_to_repeat(&Method::DELETE, &unavailable));
    }

    #[test]
    fn error_bodies_become_typed_errors() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        let e = api_error(
            StatusCode::TOO_MANY_REQUESTS,
            &headers,
            br#"{"code":"rate_limited","message":"too many attempts"}"#,
        );
        assert!(matches!(
            &e,
            ClientError::Api { code: ErrorCode::RateLimited, retry_after: Some(d), .. } if d.as_secs() == 7
        ));
        assert!(!e.is_permanent());
        assert_eq!(e.to_string(), "too many attempts");
        let e = api_error(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>");
        assert!(!e.is_permanent());
        let e = api_error(StatusCode::NOT_FOUND, &HeaderMap::new(), b"");
        assert!(e.is_permanent());
        let e = api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &HeaderMap::new(),
            br#"{"code":"validation_failed","message":"m","fields":[{"field":"amount","problem":"invalid_amount"}]}"#,
        );
        let ClientError::InvalidFields(fields) = &e else {
            panic!("{e:?}");
        };
        assert_eq!(fields[0].field, "amount");
        assert!(e.is_permanent());
    }
}
