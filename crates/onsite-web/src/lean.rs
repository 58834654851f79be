//! The live map's lean path: serves `GET /bookings/{id}/live/events` on a fresh connection
//! without keeping hyper's per-connection buffers (issue 5, "memory per watching connection").
//!
//! hyper keeps an 8 KiB read buffer for an HTTP/1 connection's whole life and an 8 KiB write
//! buffer for the response head (hyper 1.x cannot make them smaller), which is most of what an
//! idle watcher costs. [`serve`] puts a small acceptor in front of `axum::serve`: a background
//! task accepts TCP connections and, for each, **peeks** at the request head (nothing is
//! consumed) for at most [`HEAD_WAIT`]. Only when all of these hold does the lean path take
//! the connection:
//!
//! - the peeked bytes are a complete HTTP/1.1 `GET /bookings/{id}/live/events` head (no query
//!   string, a `Host`, no body, no `Expect` or `Upgrade`) of at most [`HEAD_MAX`] bytes;
//! - its `onsite_session` cookie loads a live session through `session::load`, the code the
//!   session layer uses (same idle and absolute timeouts);
//! - that person has the capability the route table gives the route (looked up in
//!   [`routes::table`](crate::routes::table) once), and `pages::tracking::authorized_map`, the
//!   function the hyper handler asks, says yes.
//!
//! It then consumes the head and writes the response itself: `200`, `text/event-stream`,
//! `Cache-Control: no-store`, `Connection: close`, a request id and the security headers of
//! the edge layer (`security::Policy`), then the events of the same `pages::tracking::Watch`
//! the handler streams (one format, one logic: re-checks every 30 s and on state changes, the
//! `state` event, keep-alive comments), and closes the connection when the stream ends, the
//! client closes or sends anything, or the server shuts down. A stream costs its task, the
//! socket and the `Watch`; every write goes straight to the socket.
//!
//! Anything else (another request, a partial or slow head, no or a dead session, a refusal, a
//! database error) is handed, untouched, to hyper through the listener [`serve`] gives
//! `axum::serve`, so 404s, redirects, error pages, localization, logging and metrics stay
//! exactly those of the router. A browser that reuses a keep-alive connection for its
//! `EventSource` is served by hyper too (the lean path only sees a connection's first request).

use crate::pages::bookings::booking_id;
use crate::pages::tracking::{EVENT_STREAM, NO_STORE, Watch, authorized_map};
use crate::session::{CurrentUser, SESSION_COOKIE, load, plausible_token, principal_of};
use crate::{AppState, locale, router};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::serve::ListenerExt;
use onsite_app::policy::{Actor, Capability};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

/// The route the lean path serves (as written in the route table).
pub const LIVE_EVENTS: &str = "/bookings/{id}/live/events";

/// How long the acceptor waits for a complete request head before handing the connection to
/// hyper (which then applies its own rules to a slow client).
pub const HEAD_WAIT: Duration = Duration::from_millis(500);

/// The largest head the lean path looks at; a longer one goes to hyper.
pub const HEAD_MAX: usize = 4096;

/// Most headers a head may have for the lean path.
const MAX_HEADERS: usize = 32;

/// Whether [`serve`] puts the lean path in front of hyper. Production always does; the
/// benchmark measures [`Lean::Off`] as its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lean {
    On,
    Off,
}

/// The listener `axum::serve` takes connections from: those the acceptor handed over.
struct HandedOver {
    rx: mpsc::Receiver<(TcpStream, SocketAddr)>,
    local: SocketAddr,
}

impl axum::serve::Listener for HandedOver {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        match self.rx.recv().await {
            Some(connection) => connection,
            // The acceptor stopped (shutdown): nothing more comes.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// What every lean stream shares.
struct Shared {
    state: AppState,
    capability: Capability,
    shutdown: watch::Receiver<bool>,
}

/// Serves the portal on `listener` (see the module doc) until `shutdown` resolves; then the
/// lean streams end and hyper finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    lean: Lean,
) -> std::io::Result<()> {
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let capability = crate::routes::table()
        .iter()
        .find(|r| r.path == LIVE_EVENTS && r.method == axum::http::Method::GET)
        .map(|r| r.capability);
    let (Lean::On, Some(capability)) = (lean, capability) else {
        return axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    };
    let local = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let (tx, rx) = mpsc::channel(128);
    let shared = Arc::new(Shared {
        state,
        capability,
        shutdown: stopped,
    });
    let acceptor = tokio::spawn(accept(listener, tx, shared));
    let handed = HandedOver { rx, local }.tap_io(|_| {});
    let served = axum::serve(handed, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop.send(true);
        })
        .await;
    acceptor.abort();
    served
}

/// Accepts connections and sorts each (in its own task) into the lean path or hyper's.
async fn accept(
    listener: TcpListener,
    hyper: mpsc::Sender<(TcpStream, SocketAddr)>,
    shared: Arc<Shared>,
) {
    let mut stopped = shared.shutdown.clone();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => return,
        };
        match accepted {
            Ok((stream, peer)) => {
                tokio::spawn(sort(stream, peer, hyper.clone(), shared.clone()));
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

/// One connection: the lean path when its head qualifies, else hyper.
async fn sort(
    mut stream: TcpStream,
    peer: SocketAddr,
    hyper: mpsc::Sender<(TcpStream, SocketAddr)>,
    shared: Arc<Shared>,
) {
    match Box::pin(admit(&stream, &shared)).await {
        Some(admitted) => {
            let mut head = vec![0; admitted.head_len];
            if stream.read_exact(&mut head).await.is_err() {
                return;
            }
            drop(head);
            stream_events(stream, peer, admitted, &shared).await;
        }
        None => {
            let _ = hyper.send((stream, peer)).await;
        }
    }
}

/// A request the lean path serves.
struct Admitted {
    head_len: usize,
    booking: onsite_domain::BookingId,
    watch: Watch,
}

/// Peeks at the head and decides (see the module doc); `None` hands the connection to hyper.
async fn admit(stream: &TcpStream, shared: &Shared) -> Option<Admitted> {
    let mut buffer = vec![0u8; HEAD_MAX];
    let (head_len, headers, path) = tokio::time::timeout(HEAD_WAIT, async {
        loop {
            let n = stream.peek(&mut buffer).await.ok()?;
            if n == 0 {
                return None;
            }
            match parse(&buffer[..n]) {
                Parsed::Qualifies(found) => return Some(found),
                Parsed::No => return None,
                Parsed::Partial if n < buffer.len() => {
                    // Peeking does not clear readiness: wait a little for the rest.
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Parsed::Partial => return None,
            }
        }
    })
    .await
    .ok()??;
    drop(buffer);
    let id = path
        .strip_prefix("/bookings/")?
        .strip_suffix("/live/events")?;
    let booking = booking_id(id).ok()?;
    let token = locale::cookie(&headers, SESSION_COOKIE).filter(|t| plausible_token(t))?;
    let signed_in = load(&shared.state, &token).await.ok()??;
    let principal = principal_of(&signed_in.user);
    if !Actor::User(principal.clone()).may(shared.capability) {
        return None;
    }
    let now = shared.state.clock.now();
    let map = authorized_map(&shared.state, &principal, booking, now)
        .await
        .ok()?;
    let user = CurrentUser(Arc::new(signed_in));
    let profile = locale::ProfileLanguage(user.user.language.clone());
    let language = locale::choose_from(Some(&profile), &headers);
    let watch = Watch::open(
        shared.state.clone(),
        language,
        user.token.clone(),
        booking,
        map,
        now,
    );
    Some(Admitted {
        head_len,
        booking,
        watch,
    })
}

enum Parsed {
    /// A complete head that may be for the lean path: its length, headers and path.
    Qualifies((usize, HeaderMap, String)),
    Partial,
    No,
}

/// Parses a peeked head; only a plain HTTP/1.1 `GET` of the live events' shape qualifies.
fn parse(bytes: &[u8]) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let head_len = match request.parse(bytes) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Parsed::Partial,
        Err(_) => return Parsed::No,
    };
    let (Some("GET"), Some(path), Some(1)) = (request.method, request.path, request.version) else {
        return Parsed::No;
    };
    if !path.starts_with("/bookings/") || !path.ends_with("/live/events") || path.contains('?') {
        return Parsed::No;
    }
    let mut map = HeaderMap::new();
    for header in request.headers.iter() {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(header.name.as_bytes()),
            HeaderValue::from_bytes(header.value),
        ) else {
            return Parsed::No;
        };
        map.append(name, value);
    }
    let refused = ["content-length", "transfer-encoding", "expect", "upgrade"];
    if !map.contains_key("host") || refused.iter().any(|h| map.contains_key(*h)) {
        return Parsed::No;
    }
    Parsed::Qualifies((head_len, map, path.to_owned()))
}

/// The response head of a lean stream.
fn response_head(state: &AppState, request_id: &str) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {EVENT_STREAM}\r\ncache-control: {NO_STORE}\r\nconnection: close\r\n{}: {request_id}\r\n",
        crate::request_id::HEADER
    )
    .into_bytes();
    for (name, value) in &state.policy.headers {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// Writes the head and the stream's events until it ends (see the module doc).
async fn stream_events(
    mut stream: TcpStream,
    peer: SocketAddr,
    admitted: Admitted,
    shared: &Shared,
) {
    let Admitted {
        booking, mut watch, ..
    } = admitted;
    let request_id = uuid::Uuid::new_v4().to_string();
    tracing::info!(
        request_id,
        %peer,
        %booking,
        path = LIVE_EVENTS,
        "live map stream opened (lean path)"
    );
    let started = std::time::Instant::now();
    let head = response_head(&shared.state, &request_id);
    if stream.write_all(&head).await.is_err() {
        return;
    }
    drop(head);
    let mut stopped = shared.shutdown.clone();
    let (mut reader, mut writer) = stream.split();
    let mut scratch = [0u8; 16];
    let why = loop {
        let next = tokio::select! {
            next = watch.next() => next,
            // The client closed, or sent something it should not have (HTTP/1.1 pipelining
            // after a stream): close.
            _ = reader.read(&mut scratch) => break "client",
            _ = stopped.changed() => break "shutdown",
        };
        let Some(bytes) = next else { break "ended" };
        if writer.write_all(&bytes).await.is_err() {
            break "client";
        }
    };
    let _ = writer.shutdown().await;
    tracing::info!(
        request_id,
        %booking,
        closed_by = why,
        seconds = started.elapsed().as_secs(),
        "live map stream closed (lean path)"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_get_of_the_live_events_qualifies() {
        let ok = "GET /bookings/7/live/events HTTP/1.1\r\nHost: x\r\nCookie: a=b\r\n\r\n";
        assert!(matches!(parse(ok.as_bytes()), Parsed::Qualifies((n, _, _)) if n == ok.len()));
        assert!(matches!(
            parse(b"GET /bookings/7/live/events HTTP/1.1\r\nHost: x\r\n"),
            Parsed::Partial
        ));
        for no in [
            "GET /bookings/7/live HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /bookings/7/live/events?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /bookings/7/live/events HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /bookings/7/live/events HTTP/1.0\r\nHost: x\r\n\r\n",
            "GET /bookings/7/live/events HTTP/1.1\r\n\r\n",
            "GET /bookings/7/live/events HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
            "GET /bookings/7/live/events HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n\r\n",
            "GARBAGE\r\n\r\n",
        ] {
            assert!(matches!(parse(no.as_bytes()), Parsed::No), "{no}");
        }
    }
}
