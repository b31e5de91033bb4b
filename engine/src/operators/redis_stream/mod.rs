//! Redis Streams as a source and a sink: the stream lives in the server, outlives the job,
//! and is read again from any entry id.

mod connection;
mod entry_id;
mod sink;
mod source;

pub use connection::probe;
pub use entry_id::EntryId;
pub use sink::{RedisSink, marker_key};
pub use source::RedisSource;

/// Whether `url` is a Redis URL: `Err` in words if not.
pub fn check_url(url: &str) -> Result<(), String> {
    connection::parse_url(url).map(|_| ())
}
