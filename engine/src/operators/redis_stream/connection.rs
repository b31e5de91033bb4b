//! One connection to a Redis server that survives the server going away: a command that
//! fails for want of the server (refused, dropped, timed out, still loading its data) is
//! tried again on a new connection with back-off, until the node's retry time runs out. An
//! answer that is an error of the command itself (a key of another type) fails at once.

use std::time::{Duration, Instant};

use redis::{ErrorKind, RedisError, RedisResult};

use super::super::backoff::Backoff;
/// How long connecting, or waiting for an answer, may take.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// What one try of a command gave.
pub enum Tried<T> {
    Done(T),
    /// The server could not be reached; the next try is due after this long.
    Retry(Duration),
}

pub struct Connection {
    client: redis::Client,
    /// The server as messages name it, without a password.
    address: String,
    connection: Option<redis::Connection>,
    backoff: Backoff,
    /// When the next try is allowed.
    next_try: Option<Instant>,
}

/// The address of a `redis://` URL, as the node's messages name it; an error in words for a
/// URL that is not one.
pub fn parse_url(url: &str) -> Result<(redis::Client, String), String> {
    let client = redis::Client::open(url.trim())
        .map_err(|e| format!("`{url}` is not a Redis URL like redis://127.0.0.1:6379 ({e})"))?;
    let address = match &client.get_connection_info().addr {
        redis::ConnectionAddr::Tcp(host, port) => format!("{host}:{port}"),
        redis::ConnectionAddr::TcpTls { host, port, .. } => format!("{host}:{port}"),
        redis::ConnectionAddr::Unix(path) => path.display().to_string(),
        // Variants newer versions may add.
        #[allow(unreachable_patterns)]
        _ => url.to_string(),
    };
    Ok((client, address))
}

/// Whether a failure is for want of the server, and a later try may succeed.
pub fn is_unreachable(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_refusal()
        || e.is_connection_dropped()
        || e.is_timeout()
        || matches!(e.kind(), ErrorKind::BusyLoadingError | ErrorKind::TryAgain)
}

impl Connection {
    pub fn new(url: &str, retry_for_ms: u64) -> Result<Self, String> {
        let (client, address) = parse_url(url)?;
        Ok(Connection {
            client,
            address,
            connection: None,
            backoff: Backoff::new(retry_for_ms),
            next_try: None,
        })
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    /// Runs `command` once, on a new connection if the last one failed. `Retry` while the
    /// server is unreachable and the retry time has not run out; an error after that, or
    /// at once for an error of the command itself.
    pub fn try_run<T>(
        &mut self,
        mut command: impl FnMut(&mut redis::Connection) -> RedisResult<T>,
    ) -> Result<Tried<T>, String> {
        let now = Instant::now();
        if let Some(at) = self.next_try
            && at > now
        {
            return Ok(Tried::Retry(at - now));
        }
        let result = self.connect().and_then(&mut command);
        match result {
            Ok(value) => {
                self.backoff.answered();
                self.next_try = None;
                Ok(Tried::Done(value))
            }
            Err(e) if is_unreachable(&e) => {
                self.connection = None;
                let Some(pause) = self.backoff.failed() else {
                    return Err(format!(
                        "Redis at {} did not answer for {} ms: {e}",
                        self.address,
                        self.backoff.retry_for_ms()
                    ));
                };
                self.next_try = Some(now + pause);
                Ok(Tried::Retry(pause))
            }
            Err(e) => Err(format!("Redis at {}: {e}", self.address)),
        }
    }

    /// Runs `command` until it succeeds, sleeping through the back-off, or fails as
    /// [`Connection::try_run`] does.
    pub fn run<T>(
        &mut self,
        mut command: impl FnMut(&mut redis::Connection) -> RedisResult<T>,
    ) -> Result<T, String> {
        loop {
            match self.try_run(&mut command)? {
                Tried::Done(value) => return Ok(value),
                Tried::Retry(pause) => std::thread::sleep(pause),
            }
        }
    }

    /// Whether the server has failed the last try (the node is waiting to retry).
    pub fn is_failing(&self) -> bool {
        self.backoff.is_failing()
    }

    fn connect(&mut self) -> RedisResult<&mut redis::Connection> {
        if self.connection.is_none() {
            let connection = self.client.get_connection_with_timeout(IO_TIMEOUT)?;
            connection.set_read_timeout(Some(IO_TIMEOUT))?;
            connection.set_write_timeout(Some(IO_TIMEOUT))?;
            self.connection = Some(connection);
        }
        Ok(self.connection.as_mut().expect("just connected"))
    }
}

/// Whether a Redis server answers at `url` within `timeout`: `Err` with the reason if not.
pub fn probe(url: &str, timeout: Duration) -> Result<(), String> {
    let (client, address) = parse_url(url)?;
    let answer = client
        .get_connection_with_timeout(timeout)
        .and_then(|mut c| {
            c.set_read_timeout(Some(timeout))?;
            redis::cmd("PING").query::<String>(&mut c)
        });
    answer
        .map(|_| ())
        .map_err(|e| format!("Redis at {address} does not answer ({e})"))
}
