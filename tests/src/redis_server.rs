//! A `redis-server` of a test's own: on 127.0.0.1 at a free port, with its data in a
//! temporary folder, stopped (and the folder removed) when dropped. Where the program is not
//! installed, [`RedisServer::start`] says so and gives `None`, so the test is skipped;
//! with `STREAMLAB_REQUIRE_TRANSPORT=1` (as in CI) it fails instead.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
    /// Whether the server keeps an append-only file, so a restart keeps the streams.
    durable: bool,
}

/// Whether the transport tests must run rather than be skipped.
fn required() -> bool {
    std::env::var("STREAMLAB_REQUIRE_TRANSPORT").is_ok_and(|v| v == "1")
}

/// Whether `program` (a server the test starts) is installed. If not, the test is skipped
/// (said on stderr), unless the transport tests are required, when it fails.
pub fn installed_for(program: &str, test: &str) -> bool {
    let installed = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        assert!(
            !required(),
            "{test}: {program} is not installed, and STREAMLAB_REQUIRE_TRANSPORT=1"
        );
        eprintln!("{test}: skipped, {program} is not installed");
    }
    installed
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

impl RedisServer {
    /// A server without persistence, or `None` (having said why) where redis-server is
    /// not installed.
    pub fn start(test: &str) -> Option<RedisServer> {
        Self::start_with(test, false)
    }

    /// A server whose data survives [`RedisServer::restart`] (appendonly, fsync always).
    pub fn start_durable(test: &str) -> Option<RedisServer> {
        Self::start_with(test, true)
    }

    fn start_with(test: &str, durable: bool) -> Option<RedisServer> {
        if !installed_for("redis-server", test) {
            return None;
        }
        let port = free_port();
        let dir = std::env::temp_dir().join(format!(
            "streamlab-redis-{test}-{}-{port}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut server = RedisServer {
            child: None,
            port,
            dir,
            durable,
        };
        server.launch();
        Some(server)
    }

    fn launch(&mut self) {
        let mut command = Command::new("redis-server");
        command
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .arg("--dir")
            .arg(&self.dir)
            .args(["--save", "", "--daemonize", "no", "--protected-mode", "yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if self.durable {
            command.args(["--appendonly", "yes", "--appendfsync", "always"]);
        } else {
            command.args(["--appendonly", "no"]);
        }
        self.child = Some(command.spawn().expect("redis-server starts"));
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if self.ping() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server on port {} did not answer within 10 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn ping(&self) -> bool {
        let Ok(client) = redis::Client::open(self.url()) else {
            return false;
        };
        client
            .get_connection_with_timeout(Duration::from_millis(200))
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
            .is_ok()
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .unwrap()
            .get_connection_with_timeout(Duration::from_secs(5))
            .unwrap()
    }

    /// Kills the server at once (no shutdown save), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and folder.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    /// Appends `payloads` to `stream` under field `data`; the ids Redis gave them.
    pub fn add(&self, stream: &str, payloads: &[String]) -> Vec<String> {
        let mut c = self.connection();
        let mut pipe = redis::pipe();
        for p in payloads {
            pipe.cmd("XADD").arg(stream).arg("*").arg("data").arg(p);
        }
        pipe.query(&mut c).unwrap()
    }

    /// Every entry of `stream`: its id and the text of field `data`.
    pub fn entries(&self, stream: &str) -> Vec<(String, String)> {
        let mut c = self.connection();
        let entries: Vec<(String, Vec<String>)> = redis::cmd("XRANGE")
            .arg(stream)
            .arg("-")
            .arg("+")
            .query(&mut c)
            .unwrap();
        entries
            .into_iter()
            .map(|(id, fields)| {
                let data = fields
                    .chunks(2)
                    .find(|p| p[0] == "data")
                    .map(|p| p[1].clone())
                    .unwrap_or_default();
                (id, data)
            })
            .collect()
    }

    /// The payloads of `stream`, in order.
    pub fn payloads(&self, stream: &str) -> Vec<String> {
        self.entries(stream).into_iter().map(|(_, p)| p).collect()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
