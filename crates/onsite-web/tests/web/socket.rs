//! The server through a real TCP socket: `serve` on port 0, a raw HTTP/1.1 request, and a
//! graceful shutdown.

use crate::support::{config, no_providers, state_on};
use onsite_store::testing::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
