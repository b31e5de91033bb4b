//! The REST API of a running job: a subset of Apache Flink's, with Flink 2.x's paths and
//! JSON field names so one client reads both; the job's metrics in Prometheus's text format;
//! and a stream of metric samples (server-sent events) for a remote monitor.
//!
//! It runs on its own thread with a single-threaded tokio runtime: a handful of clients
//! reading samples ten times a second need no more, and the job's threads are left alone.

mod flink;
mod ids;
mod prometheus;
mod routes;

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use engine::{JobMonitor, PipelineSpec};
use tokio::sync::watch;

pub use ids::job_id;

/// The job a server shows.
pub struct ServedJob {
    /// 32 hexadecimal digits, as Flink's job ids.
    pub id: String,
    pub name: String,
    pub spec: Arc<PipelineSpec>,
    pub monitor: JobMonitor,
}

/// A running server. Dropping it (or [`Server::shutdown`]) stops it.
pub struct Server {
    address: SocketAddr,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

/// An address bound, waiting for its job.
pub struct Bound {
    listener: TcpListener,
    address: SocketAddr,
}

impl Bound {
    /// The address bound, with the port chosen if 0 was asked for.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves `job` from a thread of its own.
    pub fn serve(self, job: ServedJob) -> Result<Server, String> {
        let Bound { listener, address } = self;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the REST server: {e}"))?;
        let (stop, stopped) = watch::channel(false);
        let app = routes::router(Arc::new(routes::State::new(job)));
        let thread = std::thread::Builder::new()
            .name("rest server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let mut graceful = stopped.clone();
                    let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                        let _ = graceful.wait_for(|s| *s).await;
                    });
                    let mut deadline = stopped;
                    tokio::select! {
                        _ = serve => {}
                        _ = async move {
                            let _ = deadline.wait_for(|s| *s).await;
                            tokio::time::sleep(GRACE).await;
                        } => {}
                    }
                });
            })
            .map_err(|e| format!("cannot start the REST server: {e}"))?;
        Ok(Server {
            address,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// How long open connections (a stream of samples) may take to finish once the server stops.
const GRACE: Duration = Duration::from_secs(1);

impl Server {
    /// Binds `address` (`host:port`; port 0 picks a free one), before any job starts, so a
    /// port in use is found at once. Only loopback addresses are bound unless
    /// `allow_remote` is set.
    pub fn bind(address: &str, allow_remote: bool) -> Result<Bound, String> {
        let wanted = resolve(address)?;
        if !wanted.ip().is_loopback() && !allow_remote {
            return Err(format!(
                "{address} is not a loopback address: anyone who can reach it could watch and \
                 cancel the job. Serve on 127.0.0.1, or add --allow-remote to serve it anyway"
            ));
        }
        let listener = TcpListener::bind(wanted).map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                format!("cannot serve on {wanted}: the port is in use (choose another, or 0 for any free one)")
            }
            _ => format!("cannot serve on {wanted}: {e}"),
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot serve on {wanted}: {e}"))?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("cannot serve on {wanted}: {e}"))?;
        Ok(Bound { listener, address })
    }

    /// The address bound, with the port chosen if 0 was asked for.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops serving: open requests get up to a second to finish.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_now();
    }
}

fn resolve(address: &str) -> Result<SocketAddr, String> {
    let mut found = address.to_socket_addrs().map_err(|e| {
        format!("cannot serve on {address:?}: {e} (give host:port, such as 127.0.0.1:8081)")
    })?;
    found
        .next()
        .ok_or_else(|| format!("cannot serve on {address:?}: it names no address"))
}
