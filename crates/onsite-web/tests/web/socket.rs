//! The server through a real TCP socket: `serve` on port 0, raw HTTP/1.1 requests, and a
//! graceful shutdown; what a connection may cost (head and idle timeouts, the cap on
//! connections); a refused request that leaves its body unread; requests without `Host`.

use crate::support::{Raw, TEST_CSRF, TestApp, config, no_providers, serve_on_socket, state_on};
use onsite_testkit::TestDb;
use onsite_web::{ConnectionLimits, WebConfig};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn serves_over_a_real_socket_and_shuts_down_gracefully() {
    let db = TestDb::sqlite().await;
    let state = state_on(&db, no_providers(), config());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(onsite_web::serve(listener, state, async move {
        let _ = stopped.await;
    }));

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nAccept-Language: fr\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    let head = text.split("\r\n\r\n").next().unwrap().to_ascii_lowercase();
    assert!(head.contains("\r\nx-request-id: "), "{head}");
    assert!(head.contains("\r\ncontent-security-policy: "), "{head}");
    assert!(text.contains("<html lang=\"fr\""));

    stop.send(()).unwrap();
    let finished = tokio::time::timeout(std::time::Duration::from_secs(10), server).await;
    finished
        .expect("serve returns after shutdown")
        .unwrap()
        .expect("serve ends without error");
}

// ---- What a connection may cost ------------------------------------------------------------

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
const IDLE_TIMEOUT: Duration = Duration::from_secs(2);

/// The app with limits short enough for a test to wait them out.
async fn app_with(limits: ConnectionLimits) -> TestApp {
    TestApp::spawn_with(WebConfig {
        connections: limits,
        ..config()
    })
    .await
}

fn quick_limits() -> ConnectionLimits {
    ConnectionLimits {
        header_timeout: HEADER_TIMEOUT,
        idle_timeout: IDLE_TIMEOUT,
        ..ConnectionLimits::default()
    }
}

/// How long after `since` the server closed `stream` (end of stream or reset), reading and
/// dropping whatever it sends first (a `408`); `None` if it is still open after `wait`.
async fn closed_after(stream: &mut TcpStream, since: Instant, wait: Duration) -> Option<Duration> {
    let mut scratch = [0u8; 1024];
    tokio::time::timeout(wait, async {
        loop {
            match stream.read(&mut scratch).await {
                Ok(0) | Err(_) => return since.elapsed(),
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
}

#[tokio::test]
async fn slow_and_silent_connections_are_closed_once_the_header_timeout_passes() {
    let app = app_with(quick_limits()).await;
    let addr = serve_on_socket(&app).await;
    // At most the head timeout, the half second the lean path looks at a head, and slack for
    // a loaded machine.
    let bound = HEADER_TIMEOUT + onsite_web::lean::HEAD_WAIT + Duration::from_secs(2);

    let started = Instant::now();
    let mut unfinished = Vec::new();
    for i in 0..100 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let partial = format!("GET /?n={i} HTTP/1.1\r\nHost: onsite.test\r\nX-Slow: ");
        stream.write_all(partial.as_bytes()).await.unwrap();
        unfinished.push(stream);
    }
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(TcpStream::connect(addr).await.unwrap());
    }
    // One that keeps sending header lines, never the end of its head.
    let trickling = tokio::spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let since = Instant::now();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: onsite.test\r\n")
            .await
            .unwrap();
        let mut scratch = [0u8; 1024];
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        loop {
            if since.elapsed() > Duration::from_secs(10) {
                return None;
            }
            tokio::select! {
                read = stream.read(&mut scratch) => match read {
                    Ok(0) | Err(_) => return Some(since.elapsed()),
                    Ok(_) => {}
                },
                _ = tick.tick() => {
                    if stream.write_all(b"X-More: 1\r\n").await.is_err() {
                        return Some(since.elapsed());
                    }
                }
            }
        }
    });

    let waits = unfinished
        .iter_mut()
        .chain(silent.iter_mut())
        .map(|stream| closed_after(stream, started, bound + Duration::from_secs(1)));
    let closed = futures_util::future::join_all(waits).await;
    let open = closed.iter().filter(|c| c.is_none()).count();
    let early = closed
        .iter()
        .flatten()
        .filter(|after| **after < HEADER_TIMEOUT - Duration::from_millis(100))
        .count();
    assert_eq!(open, 0, "connections left open past {bound:?}");
    assert_eq!(early, 0, "connections closed before the header timeout");
    let trickled = trickling.await.unwrap();
    assert!(
        trickled.is_some_and(|after| after <= bound),
        "a head trickling in line by line is cut too: {trickled:?}"
    );

    // The server still answers.
    let mut raw = Raw::open(addr).await;
    raw.write("GET /healthz HTTP/1.1\r\nHost: onsite.test\r\n\r\n")
        .await;
    assert_eq!(raw.head().await.0, 200);
}

#[tokio::test]
async fn a_head_slower_than_the_lean_path_waits_but_within_the_timeout_is_served() {
    let app = app_with(ConnectionLimits {
        header_timeout: Duration::from_secs(3),
        ..quick_limits()
    })
    .await;
    let addr = serve_on_socket(&app).await;
    let mut raw = Raw::open(addr).await;
    raw.write("GET /healthz HTTP/1.1\r\n").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    raw.write("Host: onsite.test\r\n\r\n").await;
    assert_eq!(raw.head().await.0, 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let app = app_with(quick_limits()).await;
    let addr = serve_on_socket(&app).await;
    let mut raw = Raw::open(addr).await;
    let request = "GET /healthz HTTP/1.1\r\nHost: onsite.test\r\n\r\n";
    raw.write(request).await;
    let (status, head) = raw.head().await;
    assert_eq!(status, 200, "{head}");
    raw.sized_body(&head).await;

    // Idle for longer than the head timeout but less than the idle timeout: still open.
    tokio::time::sleep(HEADER_TIMEOUT + Duration::from_millis(300)).await;
    raw.write(request).await;
    let (status, head) = raw.head().await;
    assert_eq!(status, 200, "kept alive: {head}");
    raw.sized_body(&head).await;

    let idle_since = Instant::now();
    let closed = closed_after(raw.0.get_mut(), idle_since, IDLE_TIMEOUT * 3).await;
    assert!(
        closed.is_some_and(|after| after >= IDLE_TIMEOUT - Duration::from_millis(100)),
        "closed once idle for {IDLE_TIMEOUT:?}: {closed:?}"
    );
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let app = app_with(ConnectionLimits {
        max_connections: 2,
        ..ConnectionLimits::default()
    })
    .await;
    let addr = serve_on_socket(&app).await;
    let first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    // The third connects (the kernel's backlog) but is not served while two are open.
    let mut third = Raw::open(addr).await;
    third
        .write("GET /healthz HTTP/1.1\r\nHost: onsite.test\r\n\r\n")
        .await;
    let mut byte = [0u8; 1];
    let waited = tokio::time::timeout(
        Duration::from_millis(700),
        third.0.get_mut().peek(&mut byte),
    )
    .await;
    assert!(waited.is_err(), "no answer beyond the cap");

    drop(first);
    assert_eq!(third.head().await.0, 200, "served once a connection closed");
}

// ---- A refused request whose body is still coming --------------------------------------------

/// A request the server refuses before reading its body, whose body is sent only after the
/// refusal was read: either the refusal said `Connection: close` (and the server closes), or
/// the connection still serves the next request.
async fn refuse_then_continue(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> String {
    let mut raw = Raw::open(addr).await;
    raw.write(head).await;
    let (status, refusal) = raw.head().await;
    assert!((400..500).contains(&status), "refused: {refusal}");
    raw.sized_body(&refusal).await;
    if refusal.contains("connection: close") {
        assert_eq!(raw.rest(Duration::from_secs(5)).await, "", "then closed");
        return refusal;
    }
    let mut rest = body.to_vec();
    rest.extend_from_slice(b"GET /healthz HTTP/1.1\r\nHost: onsite.test\r\n\r\n");
    let sent = raw.0.get_mut().write_all(&rest).await;
    assert!(
        sent.is_ok(),
        "the connection was dropped after {refusal} without `Connection: close`: {sent:?}"
    );
    let (status, next) = raw.head().await;
    assert_eq!(
        status, 200,
        "the next request on the connection after {refusal}: {next}"
    );
    refusal
}

#[tokio::test]
async fn a_post_refused_before_its_body_arrives_leaves_the_connection_usable_or_closes_it() {
    let app = TestApp::spawn().await;
    let addr = serve_on_socket(&app).await;
    let form = b"lang=fr&csrf=x";
    let json = br#"{"service_type":1,"start":"2031-01-06T14:00:00Z"}"#;
    let cases = [
        // Another site's form: refused by the cross-site check.
        (
            format!(
                "POST /language HTTP/1.1\r\nHost: onsite.test\r\nSec-Fetch-Site: cross-site\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
                form.len()
            ),
            form.to_vec(),
        ),
        // JSON without a CSRF token.
        (
            format!(
                "POST /api/v1/bookings HTTP/1.1\r\nHost: onsite.test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                json.len()
            ),
            json.to_vec(),
        ),
        // A valid token but nobody signed in: the route's guard answers 401.
        (
            format!(
                "POST /api/v1/bookings HTTP/1.1\r\nHost: onsite.test\r\nCookie: onsite_csrf={TEST_CSRF}\r\nX-CSRF-Token: {TEST_CSRF}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                json.len()
            ),
            json.to_vec(),
        ),
        // No such route.
        (
            format!(
                "POST /nowhere HTTP/1.1\r\nHost: onsite.test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                json.len()
            ),
            json.to_vec(),
        ),
        // Larger than any route accepts: 413 before reading it.
        (
            format!(
                "POST /language HTTP/1.1\r\nHost: onsite.test\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
                onsite_web::BODY_LIMIT + 1
            ),
            vec![b'a'; onsite_web::BODY_LIMIT + 1],
        ),
    ];
    for (head, body) in cases {
        refuse_then_continue(addr, &head, &body).await;
    }
}

// ---- Host ------------------------------------------------------------------------------------

#[tokio::test]
async fn an_http_1_1_request_without_exactly_one_host_is_refused() {
    let app = TestApp::spawn().await;
    let addr = serve_on_socket(&app).await;
    let mut raw = Raw::open(addr).await;
    raw.write("GET / HTTP/1.1\r\nAccept-Language: fr\r\n\r\n")
        .await;
    let (status, head) = raw.head().await;
    assert_eq!(status, 400, "{head}");
    assert!(
        raw.sized_body(&head)
            .await
            .contains("La requête n’a pas pu être comprise"),
        "a localized error page"
    );

    let mut raw = Raw::open(addr).await;
    raw.write("GET / HTTP/1.1\r\nHost: onsite.test\r\nHost: elsewhere.test\r\n\r\n")
        .await;
    assert_eq!(raw.head().await.0, 400, "two Host headers");

    // HTTP/1.0 has no Host requirement.
    let mut raw = Raw::open(addr).await;
    raw.write("GET /healthz HTTP/1.0\r\n\r\n").await;
    assert_eq!(raw.head().await.0, 200);
}
