//! A real server on a loopback port over a temporary data directory, for the
//! tests of this crate and of the clients.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use claimdesk_api::uploads::{AttachTo, Document, DocumentCategory};

use crate::config::Config;
use crate::documents::{self, AgencyPost};
use crate::{App, demo, records};

struct Running {
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

pub struct TestServer {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    app: App,
    config: Config,
    running: Option<Running>,
    // Dropped last: removes the data directory when a temporary one was made.
    _temp: Option<TempDir>,
}

impl TestServer {
    /// A fresh temporary data directory with the demo data, listening on
    /// 127.0.0.1 at a free port.
    pub async fn start_demo() -> TestServer {
        let temp = tempfile::Builder::new()
            .prefix("claimdesk-server-")
            .tempdir()
            .expect("a temporary directory");
        let config = Config::new(temp.path());
        TestServer::start(config, Some(temp)).await
    }

    /// Like [`start_demo`](Self::start_demo) but with this configuration
    /// (its data directory, clock, limits); the demo data is loaded there too
    /// unless it already is.
    pub async fn start_with(config: Config) -> TestServer {
        TestServer::start(config, None).await
    }

    async fn start(mut config: Config, temp: Option<TempDir>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let addr = listener.local_addr().expect("a bound address");
        // Hosted-page links and the sandbox provider's webhooks go to the
        // port just bound.
        config.public_url = format!("http://{addr}");
        let app = App::open(config.clone())
            .await
            .expect("the test server opens its database");
        app.load_demo().await.expect("the demo data loads");
        let running = serve(&app, listener);
        TestServer {
            base_url: format!("http://{addr}"),
            addr,
            data_dir: config.data_dir.clone(),
            app,
            config,
            running: Some(running),
            _temp: temp,
        }
    }

    /// The opened server, to change data or sign in without HTTP.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// `base_url` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Stops listening and closes the database; the data stays.
    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.shutdown.send(());
            let mut task = running.task;
            // Connections a client keeps open must not hold the test forever.
            if tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
            {
                task.abort();
                let _ = task.await;
            }
            self.app.close().await;
        }
    }

    /// Stops if running, then serves the same data directory on the same port.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.app = App::open(self.config.clone())
            .await
            .expect("the test server reopens its database");
        let mut attempts = 0;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(e) if attempts < 50 => {
                    attempts += 1;
                    tracing::debug!(error = %e, "port not free yet");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot listen again on {}: {e}", self.addr),
            }
        };
        self.running = Some(serve(&self.app, listener));
    }

    /// The id of the demo étude ([`demo::ETUDE_NAME`]), for admin grants.
    pub async fn demo_etude_id(&self) -> i64 {
        self.app
            .etude_id(demo::ETUDE_NAME)
            .await
            .expect("the database answers")
            .expect("the demo étude exists")
    }

    /// A session token of a demo account.
    pub async fn token_for(&self, email: &str) -> String {
        self.app
            .login(email, demo::PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("demo account {email} signs in: {e}"))
            .token
    }

    /// Posts `bytes` as the agency's document on a dossier or a procedure, as
    /// `POST /v1/admin/documents` does after an upload: it reaches clients
    /// at their next sync.
    pub async fn post_agency_document(
        &self,
        attach_to: &AttachTo,
        bytes: &[u8],
        file_name: &str,
    ) -> Document {
        let state = &self.app.state;
        let mut tx = state.db.write.begin().await.expect("a transaction");
        let (dossier_id, procedure_id) = match attach_to {
            AttachTo::Dossier { reference } => (
                records::dossier_id(&mut tx, reference)
                    .await
                    .expect("the database answers"),
                None,
            ),
            AttachTo::Procedure { id } => (None, Some(*id)),
        };
        let id = documents::post_agency(
            &mut tx,
            &state.config,
            AgencyPost {
                dossier_id,
                procedure_id,
                category: DocumentCategory::Other,
                note: Some("Courrier de l'agence"),
                file_name,
                bytes,
                request_id: None,
            },
        )
        .await
        .expect("the document is filed");
        let document = documents::by_id(&mut tx, id)
            .await
            .expect("the database answers")
            .expect("the document just filed");
        tx.commit().await.expect("the transaction commits");
        document
    }

    /// A session token of the agency account (`agence@demo.claimdesk.fr`).
    pub async fn admin_token(&self) -> String {
        self.token_for(demo::ADMIN_USER).await
    }
}

fn serve(app: &App, listener: TcpListener) -> Running {
    let (shutdown, signal) = oneshot::channel::<()>();
    let service = app
        .router()
        .into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = signal.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "test server stopped");
        }
    });
    Running { shutdown, task }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.shutdown.send(());
            running.task.abort();
        }
    }
}

/// A PDF head then bytes that do not compress, `size` in all, different for each `seed`.
/// Shared by the client's and the CLI's tests, which upload it.
pub fn pdf_bytes(size: usize, seed: u32) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut state = 0x9e37_79b9_u32 ^ seed.wrapping_mul(0x85eb_ca6b);
    while bytes.len() < size {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(size);
    bytes
}
