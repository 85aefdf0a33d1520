//! What the client's test files share: files to send and a loopback proxy
//! that cuts a connection mid-transfer.

// Each test file uses the part of these helpers it needs.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// What the client sends: uploads.
    Upstream,
    /// What the server answers: downloads.
    Downstream,
}

/// Cuts the connection carrying the byte that exhausts its budget, once, in
/// one direction; counts what went through in that direction.
pub struct CuttingProxy {
    pub base_url: String,
    /// Bytes let through in the cut direction.
    pub bytes: Arc<AtomicU64>,
    budget: Arc<AtomicI64>,
}

impl CuttingProxy {
    /// Cuts the upload that carries the `cut_at`-th byte sent by the client.
    pub async fn upstream(upstream: std::net::SocketAddr, cut_at: i64) -> CuttingProxy {
        CuttingProxy::start(upstream, Direction::Upstream, cut_at).await
    }

    /// Lets everything through until [`arm`](Self::arm)ed, then cuts the
    /// answer that carries the byte exhausting the budget.
    pub async fn downstream(upstream: std::net::SocketAddr) -> CuttingProxy {
        CuttingProxy::start(upstream, Direction::Downstream, i64::MAX).await
    }

    /// Whether a connection was cut since armed.
    pub fn cut(&self) -> bool {
        self.budget.load(Ordering::SeqCst) < 0
    }

    /// From now on, cuts after `cut_at` more bytes; resets the count.
    pub fn arm(&self, cut_at: i64) {
        self.bytes.store(0, Ordering::SeqCst);
        self.budget.store(cut_at, Ordering::SeqCst);
    }

    async fn start(
        upstream: std::net::SocketAddr,
        direction: Direction,
        cut_at: i64,
    ) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let budget = Arc::new(AtomicI64::new(cut_at));
        let bytes = Arc::new(AtomicU64::new(0));
        let (shared_budget, counted) = (budget.clone(), bytes.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (budget, counted) = (shared_budget.clone(), counted.clone());
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        pipe(client, server, direction, budget, counted).await;
                    }
                });
            }
        });
        CuttingProxy {
            base_url,
            bytes,
            budget,
        }
    }
}

async fn pipe(
    client: TcpStream,
    server: TcpStream,
    direction: Direction,
    budget: Arc<AtomicI64>,
    counted: Arc<AtomicU64>,
) {
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let (cut_from, cut_to, plain_from, plain_to) = match direction {
        Direction::Upstream => (client_read, server_write, server_read, client_write),
        Direction::Downstream => (server_read, client_write, client_read, server_write),
    };
    let plain = async move {
        let (mut from, mut to) = (plain_from, plain_to);
        let _ = tokio::io::copy(&mut from, &mut to).await;
    };
    tokio::select! {
        _ = copy_with_budget(cut_from, cut_to, budget, counted) => {}
        _ = plain => {}
    }
}

async fn copy_with_budget(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    budget: Arc<AtomicI64>,
    counted: Arc<AtomicU64>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let left = budget.fetch_sub(n as i64, Ordering::SeqCst);
        // Only the one connection that crosses zero is cut.
        let allowed = if left > 0 && left < n as i64 {
            left as usize
        } else {
            n
        };
        counted.fetch_add(allowed as u64, Ordering::SeqCst);
        if to.write_all(&buf[..allowed]).await.is_err() || allowed < n {
            return;
        }
    }
}

// Not every test file sends files.
#[allow(unused_imports)]
pub use claimdesk_server::testing::pdf_bytes;

/// Retries quick enough for tests that cut the server on purpose.
pub const FAST: claimdesk_client::RetryPolicy = claimdesk_client::RetryPolicy {
    max_tries: 3,
    base_delay: std::time::Duration::from_millis(20),
    max_delay: std::time::Duration::from_millis(50),
};

/// A user signed in and synced in a home of their own, with an API client
/// on the same session to ask the server directly.
pub struct SignedIn {
    pub home: tempfile::TempDir,
    pub desk: claimdesk_client::Claimdesk,
    pub api: claimdesk_client::ApiClient,
}

pub async fn sign_in(server: &claimdesk_server::testing::TestServer, email: &str) -> SignedIn {
    let home = tempfile::tempdir().unwrap();
    let mut desk = claimdesk_client::Claimdesk::open(claimdesk_client::Home::new(home.path()))
        .await
        .unwrap()
        .with_retry(FAST);
    desk.login(&server.base_url, email, claimdesk_server::demo::PASSWORD)
        .await
        .unwrap();
    desk.sync(|_| {}).await.unwrap();
    let token = desk.keyring_slot().unwrap().load().await.unwrap().unwrap();
    let api = claimdesk_client::ApiClient::new(&server.base_url)
        .unwrap()
        .with_token(token)
        .with_retry(FAST);
    SignedIn { home, desk, api }
}
