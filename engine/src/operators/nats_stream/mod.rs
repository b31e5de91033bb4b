//! NATS JetStream as a source and a sink: a stream persists the messages published to its
//! subjects, outlives the job, and is read again from any stream sequence.

mod connection;
mod sink;
mod source;
mod subject;

use std::io::{BufRead, BufReader};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

pub use connection::parse_url;
pub use sink::{NatsSink, message_id};
pub use source::NatsSource;
pub use subject::{check_stream_name, check_subject, subject_matches};

/// Whether `url` is a NATS server's URL: `Err` in words if not.
pub fn check_url(url: &str) -> Result<(), String> {
    parse_url(url).map(|_| ())
}

/// A stream sequence as a start position: a whole number from 1.
pub fn parse_sequence(text: &str) -> Result<u64, String> {
    if text.trim().is_empty() {
        return Err("enter the stream sequence to start at (1 is the first message)".into());
    }
    match text.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "`{text}` is not a stream sequence (a whole number from 1, the first message)"
        )),
    }
}

/// Whether a NATS server with JetStream answers at `url` within `timeout`: `Err` with the
/// reason if not. The server greets every connection with an `INFO` line naming what it
/// offers, so one line tells without a client or a runtime.
pub fn probe(url: &str, timeout: Duration) -> Result<(), String> {
    let (_, address) = parse_url(url)?;
    let fail = |reason: String| format!("NATS at {address} does not answer ({reason})");
    let socket = address
        .to_socket_addrs()
        .map_err(|e| fail(e.to_string()))?
        .next()
        .ok_or_else(|| fail("the host has no address".into()))?;
    let stream = TcpStream::connect_timeout(&socket, timeout).map_err(|e| fail(e.to_string()))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| fail(e.to_string()))?;
    let mut line = String::new();
    BufReader::new(stream)
        .read_line(&mut line)
        .map_err(|e| fail(e.to_string()))?;
    let info = line
        .strip_prefix("INFO ")
        .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .ok_or_else(|| fail("it is not a NATS server".into()))?;
    if info.get("jetstream").and_then(|j| j.as_bool()) != Some(true) {
        return Err(format!(
            "NATS at {address} answers without JetStream; start it with `nats-server -js`"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sequence_is_a_whole_number_from_one() {
        assert_eq!(parse_sequence(" 42 "), Ok(42));
        assert!(parse_sequence("0").unwrap_err().contains("from 1"));
        assert!(parse_sequence("1700000000000-0").is_err());
        assert!(
            parse_sequence(" ")
                .unwrap_err()
                .starts_with("enter the stream sequence")
        );
    }

    #[test]
    fn a_port_nobody_listens_on_is_named() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let e = probe(
            &format!("nats://127.0.0.1:{port}"),
            Duration::from_millis(200),
        )
        .unwrap_err();
        assert!(
            e.contains(&format!("NATS at 127.0.0.1:{port} does not answer")),
            "{e}"
        );
    }
}
