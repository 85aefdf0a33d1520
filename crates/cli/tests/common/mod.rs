//! Running the built `claimdesk` binary with a home of its own, shared by the
//! CLI's test files.

// Each test file uses the part of these helpers it needs.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Output, Stdio};

use claimdesk_client::{ApiClient, KeyringSlot};
use claimdesk_server::demo;
use claimdesk_server::testing::TestServer;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// The binary with a home of its own and piped standard streams, the
/// environment's server and home left out.
pub fn command(home: &Path, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_claimdesk"));
    command
        .arg("--home")
        .arg(home)
        .env_remove("CLAIMDESK_SERVER")
        .env_remove("CLAIMDESK_HOME")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs the binary with a home of its own; the server comes from `--server`
/// only when given, as a user's later commands would.
pub async fn claimdesk(
    home: &Path,
    server: Option<&str>,
    args: &[&str],
    stdin: Option<&str>,
) -> Run {
    let mut command = command(home, &[]);
    if let Some(server) = server {
        command.args(["--server", server]);
    }
    command.args(args);
    let mut child = command.spawn().expect("the claimdesk binary runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        // A command that fails before reading its input closes the pipe first.
        match input.write_all(text.as_bytes()).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => panic!("cannot write to claimdesk's stdin: {e}"),
        }
    }
    drop(input);
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().await.unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

pub async fn login(home: &Path, server: &TestServer, email: &str) -> Run {
    claimdesk(
        home,
        Some(&server.base_url),
        &["login", "--email", email, "--password-stdin"],
        Some(&format!("{}\n", demo::PASSWORD)),
    )
    .await
    .ok()
}

/// The same session as the binary's, read from the keyring, to ask the server directly.
pub async fn server_view(home: &Path, server: &TestServer, email: &str) -> ApiClient {
    let token = KeyringSlot::new(&server.base_url, email, home)
        .load()
        .await
        .unwrap()
        .expect("login put the token in the keyring");
    ApiClient::new(&server.base_url).unwrap().with_token(token)
}
