//! Real processes for the fault tests: the SurrealDB server `scripts/setup --for-cluster`
//! builds, and `rounds serve` against it, each killed when its handle drops.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

/// The SurrealDB server binary (target/*/surreal, or `ROUNDS_SURREAL_BIN`). None when it
/// has not been built, except under CI (`CI` set), where that is a failure: a fault test
/// that skips itself there would prove nothing.
pub fn surreal_bin() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("ROUNDS_SURREAL_BIN") {
        return Some(PathBuf::from(p));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let found = ["target/release/surreal", "target/debug/surreal"]
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.exists());
    assert!(
        found.is_some() || std::env::var_os("CI").is_none(),
        "no SurrealDB server binary: run scripts/setup --for-cluster"
    );
    if found.is_none() {
        eprintln!("skipped: no SurrealDB server binary (scripts/setup --for-cluster builds it)");
    }
    found
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the child when the test ends, however it ends.
pub struct Proc(Child);

impl Proc {
    /// SIGKILL, and reap it.
    pub fn kill(&mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The SurrealDB server on SurrealKV under `dir`, syncing every commit, root/root.
pub fn start_surreal(bin: &Path, dir: &Path, port: u16) -> Proc {
    Proc(
        Command::new(bin)
            .args(["start", "--log", "warn", "--user", "root", "--pass", "root"])
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .arg(format!("surrealkv://{}?sync=every", dir.display()))
            .stdout(Stdio::null())
            .stderr(log(&format!("surreal-{port}")))
            .spawn()
            .unwrap(),
    )
}

/// `rounds serve` on `app_port` against the SurrealDB server on `db_port`.
pub fn start_rounds(db_port: u16, app_port: u16) -> Proc {
    Proc(
        Command::new(env!("CARGO_BIN_EXE_rounds"))
            .arg("serve")
            .env("ROUNDS_DB", format!("ws://127.0.0.1:{db_port}"))
            .env("ROUNDS_DB_USER", "root")
            .env("ROUNDS_DB_PASS", "root")
            .env("ROUNDS_ADDR", format!("127.0.0.1:{app_port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log(&format!("rounds-{app_port}")))
            .spawn()
            .unwrap(),
    )
}

/// Where a process's stderr goes: a file in the temp directory (named in the test's
/// output), so a failing fault test can be read after the fact.
fn log(name: &str) -> Stdio {
    let path = std::env::temp_dir().join(format!("{name}-{}.log", std::process::id()));
    eprintln!("{name} logs to {}", path.display());
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_or_else(|_| Stdio::null(), Stdio::from)
}

/// Polls `url` until it answers `want`; how long that took.
pub async fn until(c: &reqwest::Client, url: &str, want: StatusCode, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if let Ok(r) = c.get(url).send().await
            && r.status() == want
        {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{url} did not answer {want} within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
