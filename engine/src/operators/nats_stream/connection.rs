//! A node's client of a NATS server, on a runtime of its own: the client's connection task
//! runs on one worker thread while the node's own thread blocks on each request. The client
//! reconnects by itself; the node counts how long the server has not answered, and fails
//! once that passes its retry time.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_nats::{ConnectOptions, ServerAddr, jetstream};

use super::super::backoff::Backoff;
use super::super::console::ConsoleWriter;

/// How long connecting, or waiting for an answer, may take.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a new node waits for its first connection before it goes on (and retries).
const FIRST_CONNECT: Duration = Duration::from_millis(500);

/// The server of a `nats://` URL, and its address as the node's messages name it (without
/// a password); an error in words for a URL that is not one.
pub fn parse_url(url: &str) -> Result<(ServerAddr, String), String> {
    let wrong =
        |why: String| format!("`{url}` is not a NATS URL like nats://127.0.0.1:4222 ({why})");
    let server: ServerAddr = url.trim().parse().map_err(|e| wrong(format!("{e}")))?;
    if server.is_websocket() {
        return Err(wrong("a WebSocket URL; use nats:// or tls://".into()));
    }
    if server.host().is_empty() {
        return Err(wrong("it names no host".into()));
    }
    let address = format!("{}:{}", server.host(), server.port());
    Ok((server, address))
}

pub struct Connection {
    runtime: tokio::runtime::Runtime,
    pub jetstream: jetstream::Context,
    client: async_nats::Client,
    address: String,
    backoff: Backoff,
    node: String,
    console: Arc<dyn ConsoleWriter>,
}

impl Connection {
    /// A client that connects in the background: a server not up yet is waited for.
    pub fn open(
        url: &str,
        retry_for_ms: u64,
        node: &str,
        console: Arc<dyn ConsoleWriter>,
    ) -> Result<Self, String> {
        let (server, address) = parse_url(url)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(format!("nats {node}"))
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the NATS client of {node}: {e}"))?;
        let options = ConnectOptions::new()
            .name(format!("streamlab {node}"))
            .retry_on_initial_connect()
            .connection_timeout(IO_TIMEOUT)
            .request_timeout(Some(IO_TIMEOUT))
            // The node tells when to give up; the client only needs to try often.
            .reconnect_delay_callback(|attempts| {
                Duration::from_millis((50u64 << attempts.min(5)).min(1000))
            });
        let client = runtime
            .block_on(options.connect(server))
            .map_err(|e| format!("NATS at {address}: {e}"))?;
        // Connecting goes on in the background; a server that is up answers within this,
        // so the node's first request does not count as one the server failed.
        let connecting = std::time::Instant::now();
        while client.connection_state() != async_nats::connection::State::Connected
            && connecting.elapsed() < FIRST_CONNECT
        {
            std::thread::sleep(Duration::from_millis(2));
        }
        // The context spawns its task of acknowledgements on the runtime it is made in.
        let jetstream = {
            let _inside = runtime.enter();
            jetstream::new(client.clone())
        };
        Ok(Connection {
            jetstream,
            runtime,
            client,
            address,
            backoff: Backoff::new(retry_for_ms),
            node: node.to_string(),
            console,
        })
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Whether the client is connected to the server now.
    pub fn is_connected(&self) -> bool {
        self.client.connection_state() == async_nats::connection::State::Connected
    }

    fn log(&self, line: String) {
        let _ = self
            .console
            .write_lines(&[format!("{}: {line}", self.node)]);
    }

    /// The server answered: said in the log if it had not before.
    pub fn answered(&mut self) {
        if self.backoff.answered() {
            self.log(format!("NATS at {} answers again", self.address));
        }
    }

    /// A request failed for want of the server (`reason`): the pause before the next try, or
    /// the node's error once the server has not answered for its retry time.
    pub fn unanswered(&mut self, reason: &str) -> Result<Duration, String> {
        let first = !self.backoff.is_failing();
        match self.backoff.failed() {
            Some(pause) => {
                if first {
                    self.log(format!(
                        "NATS at {} does not answer ({reason}); retrying",
                        self.address
                    ));
                }
                Ok(pause)
            }
            None => Err(format!(
                "NATS at {} did not answer for {} ms: {reason}",
                self.address,
                self.backoff.retry_for_ms()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_address_without_a_password() {
        assert_eq!(
            parse_url("nats://user:secret@127.0.0.1:4333").unwrap().1,
            "127.0.0.1:4333"
        );
        assert_eq!(parse_url("localhost").unwrap().1, "localhost:4222");
        let e = parse_url("redis://127.0.0.1:6379").unwrap_err();
        assert!(e.contains("not a NATS URL"), "{e}");
        assert!(parse_url("nats://").is_err());
    }
}
