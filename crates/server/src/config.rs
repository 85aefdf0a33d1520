//! What a server instance is started with, including the clock it reads, so
//! tests can move time instead of waiting for it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// Where "now" comes from. Business code never calls `Utc::now()` itself.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move.
#[derive(Debug)]
pub struct TestClock {
    now: Mutex<DateTime<Utc>>,
}

impl TestClock {
    pub fn new(start: DateTime<Utc>) -> TestClock {
        TestClock {
            now: Mutex::new(start),
        }
    }

    /// Starts at the real current instant.
    pub fn starting_now() -> Arc<TestClock> {
        Arc::new(TestClock::new(Utc::now()))
    }

    pub fn set(&self, instant: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = instant;
    }

    pub fn advance(&self, by: Duration) {
        let delta = TimeDelta::from_std(by).expect("a test advances by a sane duration");
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += delta;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Holds `claimdesk.sqlite`; created when missing.
    pub data_dir: PathBuf,
    /// A session unused for this long ends.
    pub session_idle_timeout: Duration,
    /// A session ends this long after sign-in, whatever the activity.
    pub session_absolute_timeout: Duration,
    /// Failed sign-ins allowed per account within `login_failure_window`.
    pub login_failures_per_account: u32,
    /// Failed sign-ins allowed per client address within `login_failure_window`.
    pub login_failures_per_address: u32,
    pub login_failure_window: Duration,
    /// Largest sync page a client may ask for.
    pub max_sync_page: u32,
    /// Largest file an upload may declare (`Tus-Max-Size`).
    pub max_upload_bytes: u64,
    /// Bytes a user may hold in uploads and the documents made from them.
    pub user_quota_bytes: u64,
    /// An upload unfinished this long after its creation is removed.
    pub upload_expiry: Duration,
    /// A finished upload no document was made of this long after it finished
    /// is removed, its content with it unless a document holds the same bytes.
    pub unused_upload_expiry: Duration,
    pub clock: Arc<dyn Clock>,
    /// Who takes card payments.
    pub payment_provider: PaymentProvider,
    /// How browsers and the sandbox provider reach this server
    /// (`http://host:port`, no trailing slash): the base of hosted-page links
    /// and of the sandbox's webhooks.
    pub public_url: String,
    /// What the sandbox provider signs its webhooks with; random per start
    /// unless set, as nothing outside this process needs it.
    pub sandbox_webhook_secret: String,
}

/// The payment provider cards go through.
#[derive(Clone, PartialEq, Eq)]
pub enum PaymentProvider {
    /// Built in: a hosted page served by this server, with approve, decline
    /// and a challenge step, and signed webhooks. Runs offline.
    Sandbox,
    /// Stripe Checkout.
    Stripe(StripeKeys),
}

/// Stripe's keys; from the environment only, never from the repository.
#[derive(Clone, PartialEq, Eq)]
pub struct StripeKeys {
    /// `sk_…`, sent as the bearer of API calls.
    pub secret_key: String,
    /// `whsec_…`, what webhook signatures are checked with.
    pub webhook_secret: String,
    /// `https://api.stripe.com`, or a fake one in tests.
    pub api_base: String,
}

impl std::fmt::Debug for PaymentProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys never reach logs.
        match self {
            PaymentProvider::Sandbox => f.write_str("Sandbox"),
            PaymentProvider::Stripe(keys) => write!(f, "Stripe({})", keys.api_base),
        }
    }
}

impl PaymentProvider {
    pub fn name(&self) -> &'static str {
        match self {
            PaymentProvider::Sandbox => "sandbox",
            PaymentProvider::Stripe(_) => "stripe",
        }
    }
}

impl Config {
    pub const DATABASE_FILE: &'static str = "claimdesk.sqlite";

    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            session_idle_timeout: Duration::from_secs(12 * 3600),
            session_absolute_timeout: Duration::from_secs(30 * 24 * 3600),
            login_failures_per_account: 5,
            login_failures_per_address: 30,
            login_failure_window: Duration::from_secs(15 * 60),
            max_sync_page: claimdesk_api::sync::MAX_PAGE,
            max_upload_bytes: claimdesk_api::uploads::DEFAULT_MAX_UPLOAD_BYTES,
            user_quota_bytes: 2 * 1024 * 1024 * 1024,
            upload_expiry: Duration::from_secs(24 * 3600),
            unused_upload_expiry: Duration::from_secs(7 * 24 * 3600),
            clock: Arc::new(SystemClock),
            payment_provider: PaymentProvider::Sandbox,
            public_url: "http://127.0.0.1:8620".to_owned(),
            sandbox_webhook_secret: format!("whsec_sandbox_{}", crate::auth::new_token()),
        }
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Config {
        self.clock = clock;
        self
    }

    /// Part files of uploads in progress.
    pub fn uploads_dir(&self) -> PathBuf {
        self.data_dir.join("uploads")
    }

    /// Finished files, content-addressed.
    pub fn documents_dir(&self) -> PathBuf {
        self.data_dir.join("documents")
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(Self::DATABASE_FILE)
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// `std` durations from the config, as chrono deltas for instant arithmetic.
pub(crate) fn delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}
