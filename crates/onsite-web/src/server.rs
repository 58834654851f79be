//! Serving the portal on a TCP socket ([`serve`]): hyper's HTTP/1.1 connection for each
//! accepted socket with the router as its service, and around it the limits of what a
//! connection may cost ([`ConnectionLimits`], issue 12):
//!
//! - At most `max_connections` connections are served at once: at the cap the acceptor takes
//!   nothing more, and new connections wait in the kernel's listen backlog until one closes.
//! - A new connection must send its first request head completely within `header_timeout` of
//!   its opening (one that sends nothing is closed then). Between two requests a keep-alive
//!   connection may stay silent for `idle_timeout`; its next head must then be complete within
//!   `header_timeout` of its first byte. hyper's own header timer cannot tell the two waits
//!   apart (it starts whenever hyper waits for a head), so each connection's task keeps the
//!   deadline itself ([`Phase`]), from what it sees: bytes read from the socket, and the
//!   requests and responses in progress. A connection past its deadline is closed.
//! - A response sent before its request's body was read to its end (a refusal, a body over
//!   the limit) says `Connection: close`: the rest of the body may still be on its way, and
//!   the client must not send its next request after it.
//! - Handlers can extract `ConnectInfo<SocketAddr>`, the peer's address.
//! - When `shutdown` resolves, the acceptor stops; each connection finishes the requests in
//!   flight (hyper's graceful shutdown) and closes, idle ones at once. An event stream (the
//!   live map's) never finishes by itself, so it ends there: the browser's `EventSource`
//!   reconnects, to the next server.
//!
//! hyper's HTTP/1 settings ([`http1`]): its read buffer may grow to [`MAX_BUF_SIZE`] rather
//! than hyper's 400 KiB, no header timer of hyper's own (the deadlines above), everything else
//! as hyper sets it (docs/benchmarks.md measured the others: none changes what a connection
//! costs).

use crate::{AppState, ConnectionLimits, router};
use axum::extract::ConnectInfo;
use axum::http::header::{CONNECTION, CONTENT_TYPE};
use axum::http::{HeaderValue, Request};
use bytes::Bytes;
use http_body::Body as _;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt;

/// The largest buffer hyper keeps for a connection, and so the largest request head. hyper
/// starts every connection with 8 KiB (its minimum, which no setting lowers) and grows it while
/// reads fill it, by default up to about 400 KiB: a client sending fast would make its
/// connection cost that much. 16 KiB holds any head a browser sends (proxies commonly allow
/// 8 KiB).
pub const MAX_BUF_SIZE: usize = 16 * 1024;

/// hyper's HTTP/1 connection settings (see the module doc).
pub fn http1() -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        // The deadlines are kept by `connection`; hyper's timer would count the idle wait
        // between two requests as part of the head's time.
        .header_read_timeout(None)
        .max_buf_size(MAX_BUF_SIZE);
    builder
}

/// Serves the portal on `listener` (see the module doc) until `shutdown` resolves, then
/// returns once every connection is closed.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.config.connections;
    let router = router(state);
    run(
        listener,
        limits.max_connections,
        shutdown,
        move |stream, peer, stopped| connection(stream, peer, router.clone(), limits, stopped),
    )
    .await
}

/// Accepts connections on `listener` and serves each with `serve` (given the socket, the peer
/// and a receiver that turns true when the server stops) in a task of its own, at most
/// `max_connections` at once: at the cap it accepts nothing more (new connections wait in the
/// listen backlog) until one closes. Once `shutdown` resolves it accepts nothing more and
/// returns when every connection's task has ended.
pub(crate) async fn run<S, F>(
    listener: TcpListener,
    max_connections: usize,
    shutdown: impl Future<Output = ()> + Send + 'static,
    serve: S,
) -> std::io::Result<()>
where
    S: Fn(TcpStream, SocketAddr, watch::Receiver<bool>) -> F + Send + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let (stop, stopped) = watch::channel(false);
    // Every connection task holds a receiver; `closed` resolves when the last one ends.
    let (open, connections) = watch::channel(());
    let acceptor = tokio::spawn(accept(
        listener,
        max_connections,
        stopped,
        move |stream, peer, stopped| {
            let open = connections.clone();
            let served = serve(stream, peer, stopped);
            async move {
                served.await;
                drop(open);
            }
        },
    ));
    shutdown.await;
    let _ = stop.send(true);
    let _ = acceptor.await;
    open.closed().await;
    Ok(())
}

async fn accept<F, S>(
    listener: TcpListener,
    max_connections: usize,
    mut stopped: watch::Receiver<bool>,
    serve: S,
) where
    S: Fn(TcpStream, SocketAddr, watch::Receiver<bool>) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(max_connections));
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            _ = stopped.wait_for(|stop| *stop) => return,
        };
        let Ok(slot) = slot else { return };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.wait_for(|stop| *stop) => return,
        };
        match accepted {
            Ok((stream, peer)) => {
                let served = serve(stream, peer, stopped.clone());
                tokio::spawn(async move {
                    served.await;
                    drop(slot);
                });
            }
            // As axum's own listener: connection errors concern one client; others (too many
            // open files) pass with time.
            Err(e) if is_connection_error(&e) => {}
            Err(e) => {
                tracing::error!(error = %e, "cannot accept a connection");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// One connection, served by hyper until it closes, its deadline passes ([`Phase`]) or the
/// server stops.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: axum::Router,
    limits: ConnectionLimits,
    stopped: watch::Receiver<bool>,
) {
    let progress = Arc::new(Progress::default());
    let io = Socket {
        prefix: Bytes::new(),
        stream,
        progress: progress.clone(),
    };
    let mut connection =
        http1().serve_connection(TokioIo::new(io), service(router, peer, progress.clone()));
    let mut phase = Phase::Fresh {
        due: Instant::now() + limits.header_timeout,
    };
    let deadline = tokio::time::sleep_until(phase.deadline(limits).unwrap_or_else(Instant::now));
    let mut deadline = std::pin::pin!(deadline);
    let mut stopping = std::pin::pin!(async move {
        let mut stopped = stopped;
        let _ = stopped.wait_for(|stop| *stop).await;
    });
    let mut stopped = false;
    let mut seen = 0;
    let ended = std::future::poll_fn(|cx| {
        loop {
            if let Poll::Ready(served) = Pin::new(&mut connection).poll(cx) {
                return Poll::Ready(served.map(|()| "served"));
            }
            phase = phase.next(&progress, seen, limits);
            seen = progress.requests.load(Ordering::Acquire);
            if !stopped && stopping.as_mut().poll(cx).is_ready() {
                stopped = true;
                progress.stop_streams();
                if !matches!(phase, Phase::Busy) {
                    // Nothing in flight: nothing to finish.
                    return Poll::Ready(Ok("stopped"));
                }
                // Finishes what is in flight (an event stream ends now), then closes.
                Pin::new(&mut connection).graceful_shutdown();
                continue;
            }
            if let Some(due) = phase.deadline(limits) {
                if deadline.deadline() != due {
                    deadline.as_mut().reset(due);
                }
                if deadline.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Ok("timed out"));
                }
            }
            return Poll::Pending;
        }
    })
    .await;
    match ended {
        Ok(how) => tracing::trace!(%peer, how, "connection closed"),
        Err(e) => tracing::debug!(%peer, error = %e, "connection ended"),
    }
}

/// Where a connection is, as far as its deadline goes.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Opened, its first request not yet taken: its first head must be complete by `due`.
    Fresh { due: Instant },
    /// A request is being served (or its answer is still being written): no deadline.
    Busy,
    /// Between two requests since `since`, when `read` bytes had been read.
    Idle { since: Instant, read: u64 },
    /// The next head began to arrive; it must be complete by `due`.
    Head { due: Instant },
}

impl Phase {
    /// The phase after a turn of the connection, in which `requests` requests had been
    /// taken so far (`seen` before it: a request may begin and end within one turn).
    fn next(self, progress: &Progress, seen: u64, limits: ConnectionLimits) -> Phase {
        let requests = progress.requests.load(Ordering::Acquire);
        if progress.busy() {
            return Phase::Busy;
        }
        match self {
            Phase::Busy => Phase::idle(progress),
            _ if requests != seen => Phase::idle(progress),
            Phase::Idle { read, .. } if progress.read.load(Ordering::Acquire) > read => {
                Phase::Head {
                    due: Instant::now() + limits.header_timeout,
                }
            }
            other => other,
        }
    }

    fn idle(progress: &Progress) -> Phase {
        Phase::Idle {
            since: Instant::now(),
            read: progress.read.load(Ordering::Acquire),
        }
    }

    fn deadline(self, limits: ConnectionLimits) -> Option<Instant> {
        match self {
            Phase::Fresh { due } | Phase::Head { due } => Some(due),
            Phase::Idle { since, .. } => Some(since + limits.idle_timeout),
            Phase::Busy => None,
        }
    }
}

/// What a connection's parts tell its task: the requests in progress and the bytes read.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Responses not yet completely handed to hyper, and request bodies not yet read to
    /// their end.
    open: AtomicUsize,
    /// A request's body was dropped unread.
    unread: AtomicBool,
    /// hyper wrote to the socket and has not flushed since (its buffer may hold more).
    unflushed: AtomicBool,
    /// Requests taken so far.
    requests: AtomicU64,
    /// Bytes read from the socket so far.
    read: AtomicU64,
    /// The server is stopping: event streams end.
    stopping: AtomicBool,
}

impl Progress {
    /// Whether a request is in progress: taken and not yet answered, its body not read, or
    /// its answer not yet flushed to the socket.
    fn busy(&self) -> bool {
        self.open.load(Ordering::Acquire) > 0 || self.unflushed.load(Ordering::Acquire)
    }

    /// Whether every request taken (at least one) is answered, flushed and its body read, so
    /// hyper is idle between two requests (or closing by itself).
    pub(crate) fn settled(&self) -> bool {
        self.requests.load(Ordering::Acquire) > 0
            && !self.busy()
            && !self.unread.load(Ordering::Acquire)
    }

    /// Ends the connection's event streams (the server is stopping).
    pub(crate) fn stop_streams(&self) {
        self.stopping.store(true, Ordering::Release);
    }
}

/// Counts one open response or request body while it lives.
struct Open(Arc<Progress>);

impl Open {
    fn new(progress: &Arc<Progress>) -> Open {
        progress.open.fetch_add(1, Ordering::AcqRel);
        Open(progress.clone())
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The router as hyper's service for the connection with `peer`: `ConnectInfo`, every request
/// and response counted in `progress`, `Connection: close` on an answer given before its
/// request's body was read to its end.
pub(crate) fn service(
    router: axum::Router,
    peer: SocketAddr,
    progress: Arc<Progress>,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = CountedResponse,
    Error = Infallible,
    Future = Pin<Box<dyn Future<Output = Result<CountedResponse, Infallible>> + Send>>,
> {
    hyper::service::service_fn(move |request: Request<Incoming>| {
        let (mut parts, body) = request.into_parts();
        parts.extensions.insert(ConnectInfo(peer));
        progress.requests.fetch_add(1, Ordering::AcqRel);
        let response_open = Open::new(&progress);
        let body = if body.is_end_stream() {
            axum::body::Body::new(body)
        } else {
            axum::body::Body::new(Counted {
                inner: body,
                open: Open::new(&progress),
                ended: false,
                kind: BodyKind::Request,
            })
        };
        let call = router.clone().oneshot(Request::from_parts(parts, body));
        let progress = progress.clone();
        Box::pin(async move {
            let mut response = call.await?;
            if progress.unread.load(Ordering::Acquire) {
                // The request was answered without reading its whole body: the rest of it may
                // still be on its way, and hyper could only read it away if it is there
                // already. Say that this connection ends, so that the client sends its next
                // request on a new one.
                response
                    .headers_mut()
                    .insert(CONNECTION, HeaderValue::from_static("close"));
            }
            let stream = response
                .headers()
                .get(CONTENT_TYPE)
                .is_some_and(|t| t.as_bytes().starts_with(b"text/event-stream"));
            let kind = if stream {
                BodyKind::EventStream
            } else {
                BodyKind::Response
            };
            Ok(response.map(|body| Counted {
                inner: body,
                open: response_open,
                ended: false,
                kind,
            }))
        }) as Pin<Box<dyn Future<Output = _> + Send>>
    })
}

/// A response of the router whose body [`Progress`] counts.
pub(crate) type CountedResponse = axum::http::Response<Counted<axum::body::Body>>;

/// What a [`Counted`] body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Request,
    Response,
    /// A response that never ends by itself: it ends when the server stops.
    EventStream,
}

/// A body (request or response) whose end [`Progress`] counts.
pub(crate) struct Counted<B: http_body::Body> {
    inner: B,
    open: Open,
    /// Whether it was read to its end.
    ended: bool,
    kind: BodyKind,
}

impl<B: http_body::Body + Unpin> http_body::Body for Counted<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<B::Data>, B::Error>>> {
        if self.kind == BodyKind::EventStream && self.open.0.stopping.load(Ordering::Acquire) {
            self.ended = true;
            return Poll::Ready(None);
        }
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) {
            self.ended = true;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.ended || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

impl<B: http_body::Body> Drop for Counted<B> {
    fn drop(&mut self) {
        if self.kind == BodyKind::Request && !self.ended && !self.inner.is_end_stream() {
            self.open.0.unread.store(true, Ordering::Release);
        }
    }
}

/// The connection's socket as hyper sees it: bytes already read from it put back in front
/// (`prefix`, for the lean path that looked at a head first, `crate::lean`), the bytes read
/// counted and whether hyper's writes are flushed.
pub(crate) struct Socket {
    pub(crate) prefix: Bytes,
    pub(crate) stream: TcpStream,
    pub(crate) progress: Arc<Progress>,
}

impl AsyncRead for Socket {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if !self.prefix.is_empty() {
            let n = self.prefix.len().min(buf.remaining());
            buf.put_slice(&self.prefix.split_to(n));
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        if read > 0 {
            self.progress.read.fetch_add(read as u64, Ordering::AcqRel);
        }
        polled
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.progress.unflushed.store(true, Ordering::Release);
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.progress.unflushed.store(true, Ordering::Release);
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        // hyper flushes the socket once its own write buffer is empty.
        let flushed = Pin::new(&mut self.stream).poll_flush(cx);
        if matches!(flushed, Poll::Ready(Ok(()))) {
            self.progress.unflushed.store(false, Ordering::Release);
        }
        flushed
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
