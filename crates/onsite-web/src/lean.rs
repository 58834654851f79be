//! The live map's lean path: serves `GET /bookings/{id}/live/events` without keeping hyper's
//! per-connection buffers (issue 5, "memory per watching connection").
//!
//! hyper keeps an 8 KiB read buffer for an HTTP/1 connection's whole life and an 8 KiB write
//! buffer for the response head (hyper 1.x cannot make them smaller), which is most of what an
//! idle watcher costs. [`serve`] runs each connection itself: before **every** request head
//! (the first of a fresh connection, or the next one on a keep-alive connection, where
//! browsers open their `EventSource`) it **peeks** at the head (nothing is consumed) for at
//! most [`HEAD_WAIT`]. Only when all of these hold does the lean path take the connection:
//!
//! - the peeked bytes are a complete HTTP/1.1 `GET /bookings/{id}/live/events` head (no query
//!   string, a `Host`, no body, no `Expect` or `Upgrade`) of at most [`HEAD_MAX`] bytes;
//! - its `onsite_session` cookie loads a live session through `session::load`, the code the
//!   session layer uses (same idle and absolute timeouts);
//! - that person has the capability the route table gives the route (looked up in
//!   [`routes::table`](crate::routes::table) once), and `tracking::pages::authorized_map`, the
//!   function the hyper handler asks, says yes.
//!
//! It then consumes the head and writes the response itself: `200`, `text/event-stream`,
//! `Cache-Control: no-store`, `Connection: close`, a request id and the security headers of
//! the edge layer (`security::Policy`), then the events of the same `tracking::pages::Watch`
//! the handler streams (one format, one logic: re-checks every 30 s and on state changes, the
//! `state` event, keep-alive comments), and closes the connection when the stream ends, the
//! client closes or sends anything, or the server shuts down. A stream costs its task, the
//! socket and the `Watch`; every write goes straight to the socket.
//!
//! Anything else (another request, a partial or slow head, no or a dead session, a refusal, a
//! database error) is handed, untouched, to hyper's HTTP/1 connection with the portal's
//! router, as [`server`](crate::server) serves it (its settings, `ConnectInfo`, the counting
//! of requests and responses, `Connection: close` after an unread body), so 404s,
//! redirects, error pages, localization, logging and metrics stay exactly those of the router.
//! Once every request hyper took is answered (response written and flushed, request body read
//! to its end), hyper is idle between two requests: `graceful_shutdown` then closes only its
//! state (nothing is written; the last response went out without `connection: close`), and
//! `into_parts` gives back the socket and the bytes it read past that request, which the next
//! peek looks at first (`server::Socket`'s prefix). An idle keep-alive connection between two
//! requests thus holds no hyper buffers either. When hyper closes the connection by itself
//! (the client asked, HTTP/1.0, an error, a request body left unread) or the server stops, it
//! ends as with hyper (an event stream hyper serves ends at the stop).
//!
//! The lean path is on by default; `http.lean_live_map = false` ([`WebConfig::lean_live_map`](
//! crate::WebConfig::lean_live_map)) serves everything with [`server`](crate::server) alone.
//! Issue 13 measured it against that (docs/benchmarks.md): 7.7 KiB per watcher against 28.0.
//!
//! What a connection may cost ([`ConnectionLimits`](crate::ConnectionLimits), issue 12): the
//! wait for the first byte of a head is bounded here (`header_timeout` on a new connection,
//! `idle_timeout` between two requests), the look at a head by [`HEAD_WAIT`] and what the
//! head's time has left, and hyper's read of the head by its header read timeout set to the
//! rest, so a head trickling in byte by byte is cut as one that stalls. At most
//! `max_connections` are served at once (`server::run` accepts them). A request answered
//! before its body was read to its end (a refusal, a body over the limit) is answered with
//! `Connection: close`: its body may still be arriving, and a client must not send its next
//! request after it.

use crate::server::{self, Socket};
use crate::session::{CurrentUser, SESSION_COOKIE, load, plausible_token, principal_of};
use crate::tracking::pages::{EVENT_STREAM, Watch, authorized_map};
use crate::{AppState, locale, router};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use bytes::Bytes;
use hyper_util::rt::{TokioIo, TokioTimer};
use onsite_app::policy::{Actor, Capability};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;

/// The route the lean path serves (as written in the route table).
pub const LIVE_EVENTS: &str = "/bookings/{id}/live/events";

/// How long the acceptor waits for a complete request head before handing the connection to
/// hyper (which then applies its own rules to a slow client).
pub const HEAD_WAIT: Duration = Duration::from_millis(500);

/// The largest head the lean path looks at; a longer one goes to hyper.
pub const HEAD_MAX: usize = 4096;

/// Most headers a head may have for the lean path.
const MAX_HEADERS: usize = 32;

/// What every connection shares.
struct Shared {
    state: AppState,
    capability: Capability,
    /// The portal's router, which hyper serves the other requests with.
    router: axum::Router,
}

/// Serves the portal on `listener` (see the module doc) until `shutdown` resolves; then the
/// lean streams end, hyper finishes the requests in flight and this returns once every
/// connection is closed. Connections are accepted as by [`server::serve`], at most
/// `max_connections` at once.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let capability = crate::routes::table()
        .iter()
        .find(|r| r.path == LIVE_EVENTS && r.method == axum::http::Method::GET)
        .map(|r| r.capability);
    let Some(capability) = capability else {
        return server::serve(listener, state, shutdown).await;
    };
    let max_connections = state.config.connections.max_connections;
    let shared = Arc::new(Shared {
        router: router(state.clone()),
        state,
        capability,
    });
    server::run(
        listener,
        max_connections,
        shutdown,
        move |stream, peer, stopped| {
            let shared = shared.clone();
            async move { connection(stream, peer, &shared, stopped).await }
        },
    )
    .await
}

/// One connection: before each request head, the lean path when the head qualifies, else
/// hyper until it is idle between two requests (then the next head is looked at) or closes.
///
/// Time limits ([`ConnectionLimits`](crate::ConnectionLimits)): a new connection must send its
/// first head completely within `header_timeout` of its opening; between two requests it may
/// stay idle for `idle_timeout`, then its next head must be complete within `header_timeout`
/// of its first byte. The wait for a first byte is this function's; the rest of the head's
/// time is split between the lean path's look (at most [`HEAD_WAIT`]) and hyper's header read
/// timeout, which gets what remains. A connection past a limit is closed.
async fn connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    stopped: watch::Receiver<bool>,
) {
    let limits = shared.state.config.connections;
    // Bytes of the connection already read (by hyper) but not yet served.
    let mut prefix = Bytes::new();
    let mut fresh = true;
    loop {
        let mut head_due = Instant::now() + limits.header_timeout;
        if prefix.is_empty() {
            // Wait for the next request, holding nothing but the socket.
            let wait = if fresh {
                limits.header_timeout
            } else {
                limits.idle_timeout
            };
            let mut stopped = stopped.clone();
            let mut byte = [0u8; 1];
            tokio::select! {
                peeked = tokio::time::timeout(wait, stream.peek(&mut byte)) => match peeked {
                    Ok(Ok(n)) if n > 0 => {}
                    // Closed, failed, or silent for too long.
                    _ => return,
                },
                _ = stopped.wait_for(|stop| *stop) => return,
            }
            if !fresh {
                head_due = Instant::now() + limits.header_timeout;
            }
        }
        fresh = false;
        if let Some(admitted) = Box::pin(admit(&stream, &prefix, shared, head_due)).await {
            // `admit` only takes a head the prefix does not go beyond.
            let mut rest = vec![0; admitted.head_len - prefix.len()];
            if stream.read_exact(&mut rest).await.is_err() {
                return;
            }
            drop(rest);
            stream_events(stream, peer, admitted, shared, stopped).await;
            return;
        }
        let io = Socket {
            prefix,
            stream,
            progress: Arc::default(),
        };
        // Boxed: a lean stream's task then does not carry the size of hyper's connection.
        match Box::pin(hyper_until_idle(io, peer, shared, head_due, &stopped)).await {
            Some((socket, read)) => {
                stream = socket.stream;
                prefix = if socket.prefix.is_empty() {
                    read
                } else {
                    let mut both = Vec::with_capacity(read.len() + socket.prefix.len());
                    both.extend_from_slice(&read);
                    both.extend_from_slice(&socket.prefix);
                    Bytes::from(both)
                };
            }
            None => return,
        }
    }
}

/// Serves the connection's requests with hyper (as `axum::serve` does: HTTP/1.1, keep-alive,
/// the peer address as `ConnectInfo`) until hyper is idle between two requests, then takes
/// the connection back from it: the socket and the bytes hyper read past the last request.
/// `None` when the connection is over (hyper closed it, an error, the server stops).
async fn hyper_until_idle(
    io: Socket,
    peer: SocketAddr,
    shared: &Shared,
    head_due: Instant,
    stopped: &watch::Receiver<bool>,
) -> Option<(Socket, Bytes)> {
    let progress = io.progress.clone();
    let service = server::service(shared.router.clone(), peer, progress.clone());
    // hyper's header read timeout covers what the head's time has left (its timer runs while
    // hyper waits for a head; see `connection`).
    let mut connection = server::http1()
        .timer(TokioTimer::new())
        .header_read_timeout(head_due.saturating_duration_since(Instant::now()))
        .serve_connection(TokioIo::new(io), service);
    let mut stopping = std::pin::pin!(async {
        let mut stopped = stopped.clone();
        let _ = stopped.wait_for(|stop| *stop).await;
    });
    let mut paused = false;
    let mut stopped = false;
    let done = std::future::poll_fn(|cx| {
        loop {
            let polled = if paused {
                connection.poll_without_shutdown(cx)
            } else {
                // Until paused, exactly hyper's own future (it flushes and shuts the socket
                // down when it closes the connection by itself).
                Pin::new(&mut connection).poll(cx)
            };
            if polled.is_ready() {
                return polled;
            }
            if !stopped && stopping.as_mut().poll(cx).is_ready() {
                stopped = true;
                // Finishes what is in flight (an event stream hyper serves ends now).
                progress.stop_streams();
                Pin::new(&mut connection).graceful_shutdown();
                continue;
            }
            if !stopped && !paused && progress.settled() {
                // Idle between two requests: hyper closes its state without writing (the
                // last response's head is long sent, without `connection: close`).
                paused = true;
                Pin::new(&mut connection).graceful_shutdown();
                continue;
            }
            return Poll::Pending;
        }
    })
    .await;
    if let Err(e) = done {
        tracing::debug!(error = %e, "connection ended");
        return None;
    }
    if !paused {
        return None;
    }
    let parts = connection.into_parts();
    Some((parts.io.into_inner(), parts.read_buf))
}

/// A request the lean path serves.
struct Admitted {
    head_len: usize,
    booking: onsite_domain::BookingId,
    watch: Watch,
}

/// Peeks at the next head (the bytes of `prefix`, then the socket's) and decides (see the
/// module doc); `None` hands the connection to hyper.
async fn admit(
    stream: &TcpStream,
    prefix: &[u8],
    shared: &Shared,
    head_due: Instant,
) -> Option<Admitted> {
    if prefix.len() >= HEAD_MAX {
        return None;
    }
    let mut buffer = vec![0u8; HEAD_MAX];
    buffer[..prefix.len()].copy_from_slice(prefix);
    let wait = HEAD_WAIT.min(head_due.saturating_duration_since(Instant::now()));
    let (head_len, headers, path) = tokio::time::timeout(wait, async {
        let mut n = prefix.len();
        loop {
            if n > 0 {
                match parse(&buffer[..n]) {
                    // A head followed by more (pipelined) bytes: hyper's.
                    Parsed::Qualifies(found) if found.0 < prefix.len() => return None,
                    Parsed::Qualifies(found) => return Some(found),
                    Parsed::No => return None,
                    Parsed::Partial if n < buffer.len() => {}
                    Parsed::Partial => return None,
                }
                if n > prefix.len() {
                    // Peeking does not clear readiness: wait a little for the rest.
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
            let peeked = stream.peek(&mut buffer[prefix.len()..]).await.ok()?;
            if peeked == 0 {
                return None;
            }
            n = prefix.len() + peeked;
        }
    })
    .await
    .ok()??;
    drop(buffer);
    let id = path
        .strip_prefix("/bookings/")?
        .strip_suffix("/live/events")?;
    let booking = crate::input::parse_id(id).map(onsite_domain::BookingId)?;
    let token = locale::cookie(&headers, SESSION_COOKIE).filter(|t| plausible_token(t))?;
    let signed_in = load(&shared.state, &token).await.ok()??;
    let principal = principal_of(&signed_in.user);
    if !Actor::User(principal.clone()).may(shared.capability) {
        return None;
    }
    let now = shared.state.clock.now();
    let map = authorized_map(&shared.state, principal.grant()?, booking, now)
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
        "HTTP/1.1 200 OK\r\ncontent-type: {EVENT_STREAM}\r\ncache-control: no-store\r\nconnection: close\r\n{}: {request_id}\r\n",
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
    mut stopped: watch::Receiver<bool>,
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
