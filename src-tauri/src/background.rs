//! The sync nobody has to ask for: at start, on the timer, and as soon as the
//! server answers again after a cut. On-demand syncs (`sync_now`) join the same
//! single run (see [`Desktop::sync`]) and restart the timer.
//!
//! The outbox is sent by [`send`], one pass at a time, whenever something may
//! go: files added or retried, a sync that reached the server (so at start and
//! on the server's return too).

use std::sync::Arc;
use std::time::Duration;

use crate::desktop::Desktop;

/// How often a server that went away is asked whether it is back.
pub const OFFLINE_PROBE: Duration = Duration::from_secs(5);
/// How often a server believed online is checked between syncs, so that a cut
/// shows in the window without waiting for the next sync.
pub const ONLINE_PROBE: Duration = Duration::from_secs(30);

/// Runs until the app ends.
pub async fn run(desktop: Arc<Desktop>) {
    loop {
        let wait = step(&desktop).await;
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = desktop.wake.notified() => {}
        }
    }
}

/// Does what is due now and says how long to sleep before the next look.
pub async fn step(desktop: &Arc<Desktop>) -> Duration {
    if !desktop.signed_in().await {
        // Signing in wakes the loop.
        return ONLINE_PROBE;
    }
    if !desktop.online() {
        if desktop.probe().await {
            tracing::info!("server back: syncing");
            let _ = desktop.sync().await;
        } else {
            return OFFLINE_PROBE;
        }
    } else if desktop.sync_due() {
        let _ = desktop.sync().await;
    } else {
        desktop.probe().await;
    }
    if desktop.online() {
        desktop
            .until_next_sync()
            .clamp(Duration::from_secs(1), ONLINE_PROBE)
    } else {
        OFFLINE_PROBE
    }
}

/// Sends the outbox each time it is woken; runs until the app ends.
pub async fn send(desktop: Arc<Desktop>) {
    loop {
        desktop.outbox_wake.notified().await;
        if let Err(e) = desktop.send_outbox().await {
            tracing::info!(error = %e, "outbox not sent");
        }
    }
}
