//! A TCP proxy on loopback that can cut every connection once a number of
//! bytes went from the server to the client, to play a network that drops.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct CuttingProxy {
    pub base_url: String,
    /// Bytes still allowed downstream; below zero every connection is cut.
    budget: Arc<AtomicI64>,
    limited: Arc<AtomicBool>,
}

impl CuttingProxy {
    pub async fn start(upstream: std::net::SocketAddr) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let base_url = format!("http://{}", listener.local_addr().expect("proxy addr"));
        let budget = Arc::new(AtomicI64::new(i64::MAX));
        let limited = Arc::new(AtomicBool::new(false));
        let (b, l) = (budget.clone(), limited.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (b, l) = (b.clone(), l.clone());
                tokio::spawn(async move {
                    if l.load(Ordering::SeqCst) && b.load(Ordering::SeqCst) < 0 {
                        return; // the network is down: accepted, then dropped
                    }
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        pipe(client, server, b, l).await;
                    }
                });
            }
        });
        CuttingProxy {
            base_url,
            budget,
            limited,
        }
    }

    /// From now on, cut everything once `bytes` more went to the client.
    pub fn cut_after(&self, bytes: i64) {
        self.budget.store(bytes, Ordering::SeqCst);
        self.limited.store(true, Ordering::SeqCst);
    }

    pub fn heal(&self) {
        self.limited.store(false, Ordering::SeqCst);
        self.budget.store(i64::MAX, Ordering::SeqCst);
    }
}

async fn pipe(
    client: TcpStream,
    server: TcpStream,
    budget: Arc<AtomicI64>,
    limited: Arc<AtomicBool>,
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = async {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
    };
    let downstream = async {
        let mut buf = vec![0u8; 8192];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let mut allowed = n;
            if limited.load(Ordering::SeqCst) {
                let left = budget.fetch_sub(n as i64, Ordering::SeqCst);
                if left < n as i64 {
                    allowed = left.max(0) as usize;
                }
            }
            if client_write.write_all(&buf[..allowed]).await.is_err() || allowed < n {
                return; // cut: dropping both halves resets the connection
            }
        }
    };
    tokio::select! {
        _ = upstream => {}
        _ = downstream => {}
    }
}
