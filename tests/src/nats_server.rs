//! A `nats-server` with JetStream of a test's own: on 127.0.0.1 at a free port, with its
//! store in a temporary folder (so a restart keeps the streams), stopped and the folder
//! removed when dropped. Where the program is not installed, [`NatsServer::start`] says so
//! and gives `None`, so the test is skipped; with `STREAMLAB_REQUIRE_TRANSPORT=1` (as in
//! CI) it fails instead. The helpers publish and read with the same client the engine uses.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream;
use futures_util::StreamExt;

use crate::redis_server::{free_port, installed_for};

pub struct NatsServer {
    child: Option<Child>,
    pub port: u16,
    dir: PathBuf,
    runtime: tokio::runtime::Runtime,
}

impl NatsServer {
    /// A server with JetStream, or `None` (having said why) where nats-server is not
    /// installed.
    pub fn start(test: &str) -> Option<NatsServer> {
        if !installed_for("nats-server", test) {
            return None;
        }
        let port = free_port();
        let dir = std::env::temp_dir().join(format!(
            "streamlab-nats-{test}-{}-{port}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let mut server = NatsServer {
            child: None,
            port,
            dir,
            runtime,
        };
        server.launch();
        Some(server)
    }

    fn launch(&mut self) {
        let child = Command::new("nats-server")
            .args(["-js", "-a", "127.0.0.1", "-p", &self.port.to_string()])
            .arg("-sd")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while engine::operators::nats_stream::probe(&self.url(), Duration::from_millis(200))
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "nats-server on port {} did not answer within 10 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Kills the server at once, as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and store.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    fn jetstream(&self) -> jetstream::Context {
        let url = self.url();
        let client = self
            .runtime
            .block_on(async_nats::connect(url))
            .expect("connect to nats-server");
        let _inside = self.runtime.enter();
        jetstream::new(client)
    }

    /// Makes stream `name` taking `subjects`.
    pub fn create_stream(&self, name: &str, subjects: &[&str]) {
        self.create_stream_with_window(name, subjects, Duration::from_secs(120));
    }

    /// Makes stream `name` taking `subjects`, keeping message ids for `window`.
    pub fn create_stream_with_window(&self, name: &str, subjects: &[&str], window: Duration) {
        let js = self.jetstream();
        let config = jetstream::stream::Config {
            name: name.to_string(),
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            duplicate_window: window,
            ..Default::default()
        };
        self.runtime
            .block_on(async move { js.create_stream(config).await })
            .expect("create the stream");
    }

    /// Publishes `payloads` to `subject`; the stream sequences JetStream gave them.
    pub fn publish(&self, subject: &str, payloads: &[String]) -> Vec<u64> {
        let js = self.jetstream();
        let subject = subject.to_string();
        let payloads = payloads.to_vec();
        self.runtime.block_on(async move {
            let mut acks = Vec::new();
            let mut sequences = Vec::new();
            for payload in payloads {
                acks.push(js.publish(subject.clone(), payload.into()).await.unwrap());
                if acks.len() >= 1000 {
                    for ack in acks.drain(..) {
                        sequences.push(ack.await.unwrap().sequence);
                    }
                }
            }
            for ack in acks {
                sequences.push(ack.await.unwrap().sequence);
            }
            sequences
        })
    }

    /// Every message of `stream`, in order: its sequence, subject, message id and payload.
    pub fn messages(&self, stream: &str) -> Vec<StoredMessage> {
        let js = self.jetstream();
        let name = stream.to_string();
        self.runtime.block_on(async move {
            let mut stream = match js.get_stream(&name).await {
                Ok(stream) => stream,
                Err(_) => return Vec::new(),
            };
            let count = stream.info().await.unwrap().state.messages;
            if count == 0 {
                return Vec::new();
            }
            let consumer = stream
                .create_consumer(jetstream::consumer::pull::OrderedConfig::default())
                .await
                .unwrap();
            let mut messages = consumer.messages().await.unwrap();
            let mut stored = Vec::new();
            while (stored.len() as u64) < count {
                let message = tokio::time::timeout(Duration::from_secs(10), messages.next())
                    .await
                    .expect("the stream's messages within 10 s")
                    .unwrap()
                    .unwrap();
                let info = message.info().unwrap();
                stored.push(StoredMessage {
                    sequence: info.stream_sequence,
                    subject: message.subject.to_string(),
                    id: message
                        .headers
                        .as_ref()
                        .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
                        .map(|v| v.to_string()),
                    payload: String::from_utf8_lossy(&message.payload).into_owned(),
                });
            }
            stored
        })
    }

    /// The payloads of `stream`, in order.
    pub fn payloads(&self, stream: &str) -> Vec<String> {
        self.messages(stream)
            .into_iter()
            .map(|m| m.payload)
            .collect()
    }
}

/// One message as the stream holds it.
#[derive(Clone, Debug)]
pub struct StoredMessage {
    pub sequence: u64,
    pub subject: String,
    pub id: Option<String>,
    pub payload: String,
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
