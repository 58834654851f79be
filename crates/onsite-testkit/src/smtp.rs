//! A real SMTP server for tests: aiosmtpd (`smtp_sink.py`, beside this crate's manifest) in a
//! child process, writing what it receives to a temporary folder, which the test reads back as
//! a receiving mail client would. Needs Python 3 with `pip install aiosmtpd==1.4.6`
//! (`ONSITE_TEST_PYTHON` selects another Python).

use crate::free_port;
use onsite_notify::{Outcome, SmtpConfig, TlsMode, Transport, Worker};
use onsite_store::Store;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// The SMTP server process; killed when dropped.
pub struct SmtpSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// An SMTP transport to `127.0.0.1:port`, plain text, without credentials.
pub fn smtp_transport(port: u16) -> Transport {
    Transport::Smtp(SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: TlsMode::None,
        username: None,
        password: None,
        from: "Onsite <noreply@onsite.test>".into(),
        timeout_secs: 5,
    })
}

/// Steps the worker until nothing is due, returning what each step did.
pub async fn drain(worker: &Worker) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for _ in 0..1000 {
        match worker.try_execute_task().await.expect("worker step") {
            Outcome::NoWork => return outcomes,
            outcome => outcomes.push(outcome),
        }
    }
    panic!("the worker never ran out of work: {outcomes:?}")
}

/// A message as the server received it.
#[derive(Debug)]
pub struct Received {
    pub json: Value,
}

impl Received {
    pub fn rcpt_tos(&self) -> Vec<String> {
        self.json["rcpt_tos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    pub fn header(&self, name: &str) -> &str {
        self.json[name].as_str().unwrap_or_default()
    }

    /// The decoded bytes of the leaf part with this content type (and file name, if given).
    pub fn part(&self, content_type: &str, filename: Option<&str>) -> Option<Vec<u8>> {
        self.json["parts"].as_array()?.iter().find_map(|p| {
            let matches =
                p["content_type"] == content_type && filename.is_none_or(|f| p["filename"] == f);
            matches.then(|| from_hex(p["content_hex"].as_str()?))?
        })
    }

    /// A text part, with the wire's CRLF line ends turned back into `\n`.
    pub fn text_part(&self, content_type: &str) -> String {
        let bytes = self
            .part(content_type, None)
            .unwrap_or_else(|| panic!("no {content_type} part"));
        String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
    }
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

impl SmtpSink {
    /// A server on a free port.
    pub async fn start() -> SmtpSink {
        Self::start_on(free_port()).await
    }

    pub async fn start_on(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("smtp_sink.py");
        let python = std::env::var("ONSITE_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let mut child = Command::new(&python)
            .arg(&script)
            .args(["--port", &port.to_string(), "--dir"])
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {python} for the SMTP test server ({e}); install Python 3 and `pip install aiosmtpd`"));
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let ready =
            tokio::time::timeout(Duration::from_secs(30), stdout.read_line(&mut line)).await;
        if !matches!(ready, Ok(Ok(_))) || line.trim() != "ready" {
            let _ = child.start_kill();
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ =
                    tokio::time::timeout(Duration::from_secs(5), stderr.read_to_string(&mut err))
                        .await;
            }
            panic!(
                "the SMTP test server (aiosmtpd) did not start on port {port}; it needs `pip install aiosmtpd`.\n\
                 stdout: {line:?}\nstderr: {err}"
            );
        }
        SmtpSink { child, port, dir }
    }

    /// The transport that delivers to this server.
    pub fn transport(&self) -> Transport {
        smtp_transport(self.port)
    }

    /// Delivers every due message of `store` to this server, as a worker of `onsite serve`
    /// with SMTP settings would.
    pub async fn deliver_queued(&self, store: &Store) -> Vec<Outcome> {
        drain(&Worker::new(store.clone(), self.transport())).await
    }

    /// Everything received so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| Received {
                json: serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap(),
            })
            .collect()
    }

    /// The newest message received for `recipient`: its subject and plain text, as the
    /// recipient reads them.
    pub fn last_to(&self, recipient: &str) -> Option<(String, String)> {
        self.received()
            .into_iter()
            .rev()
            .find(|m| m.rcpt_tos().iter().any(|r| r == recipient))
            .map(|m| (m.header("subject").to_owned(), m.text_part("text/plain")))
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
