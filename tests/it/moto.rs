//! The moto AWS emulator, one server per test: started on a free port of 127.0.0.1, stopped by
//! its process id when the test ends. `bash scripts/test` installs it (pinned) with scripts/install-moto.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    pub url: String,
    child: Child,
}

/// Where `scripts/install-moto` put moto_server: $AUDITPACK_MOTO_SERVER, else
/// $AUDITPACK_VENV/bin, else ~/.cache/auditpack-venv/bin.
fn server_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("AUDITPACK_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let venv = std::env::var_os("AUDITPACK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/auditpack-venv"));
    venv.join("bin/moto_server")
}

impl Moto {
    /// A fresh emulator. `managed_policies` loads the AWS managed IAM policies (slower start,
    /// needed to attach e.g. AdministratorAccess).
    pub fn start(managed_policies: bool) -> Moto {
        Moto::start_with(managed_policies, &[])
    }

    /// With extra environment for the server (e.g. MOTO_ACCOUNT_ID).
    pub fn start_with(managed_policies: bool, env: &[(&str, &str)]) -> Moto {
        let bin = server_binary();
        assert!(
            bin.exists(),
            "the moto emulator is not installed at {}: run `bash scripts/test` (or scripts/install-moto), which installs the pinned moto[server]",
            bin.display()
        );
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        // Its request log goes to a file: a pipe nobody reads would fill up and stall the server.
        let log_path = std::env::temp_dir().join(format!("auditpack-moto-{port}.log"));
        let log = std::fs::File::create(&log_path).expect("moto log file");
        let mut child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", if managed_policies { "true" } else { "false" })
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                let err = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("moto_server exited ({status}) before listening on port {port}:\n{err}");
            }
            assert!(Instant::now() < deadline, "moto_server did not listen on port {port} within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto { url: format!("http://127.0.0.1:{port}"), child }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Stop the server by its pid (SIGKILL through Child), then reap it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
