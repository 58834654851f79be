//! The binary as a person runs it: help, configuration errors, migrate, demo, serve; backup
//! and restore under booking load (`backup.rs`); SIGKILL during a booking storm (`crash.rs`).

mod backup;
mod crash;
mod load;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn onsite() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_onsite"));
    // A developer's own settings must not leak into the tests.
    for (k, _) in std::env::vars() {
        if k.starts_with("ONSITE_") {
            c.env_remove(k);
        }
    }
    c.env("ONSITE_LOG", "warn");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run onsite")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["demo", "--help"],
        &["send-test-email", "--help"],
        &["invite", "--help"],
        &["admin", "create", "--help"],
        &["backup", "--help"],
        &["restore", "--help"],
    ] {
        let out = run(onsite().args(args));
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn a_bad_setting_is_named_and_exits_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(onsite()
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .env("ONSITE_PORT", "eighty"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("ONSITE_PORT"),
        "{}",
        text(&out.stderr)
    );

    let file = dir.path().join("onsite.toml");
    std::fs::write(&file, "[mail]\ntransport = \"pigeon\"\n").unwrap();
    let out = run(onsite().arg("--config").arg(&file).arg("migrate"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("mail.transport"),
        "{}",
        text(&out.stderr)
    );

    let out = run(onsite().args(["serve", "--port", "99999"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--port"),
        "{}",
        text(&out.stderr)
    );

    let out = run(onsite()
        .args(["send-test-email", "--to", "not-an-address", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--to"), "{}", text(&out.stderr));
}

#[test]
fn migrate_creates_the_embedded_database_in_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let out = run(onsite().args(["migrate", "--data-dir"]).arg(&data));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(data.join("onsite.db").exists());
    // Running it again is harmless.
    assert!(
        run(onsite().args(["migrate", "--data-dir"]).arg(&data))
            .status
            .success()
    );
}

#[test]
fn demo_loads_once_and_prints_the_sign_ins() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(onsite()
        .args(["demo", "--today", "2026-03-09", "--data-dir"])
        .arg(dir.path()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for email in [
        "customer@demo.test",
        "approver@demo.test",
        "reviewer@demo.test",
        "partner@demo.test",
        "technician@demo.test",
        "dispatcher@demo.test",
        "admin@demo.test",
    ] {
        assert!(stdout.contains(email), "{email} missing from:\n{stdout}");
    }
    assert!(stdout.contains("demo-password"));
    let again = run(onsite().args(["demo", "--data-dir"]).arg(dir.path()));
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
}

/// Starts `onsite serve --port 0` and returns the child and the address it printed.
fn start_server(
    data_dir: &std::path::Path,
    extra: &[&str],
) -> (std::process::Child, String, Vec<String>) {
    let mut child = onsite()
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start server");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(url) = line.strip_prefix("Onsite is listening on http://") {
            let addr = url.trim().to_owned();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return (child, addr, seen);
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server never said where it listens; it printed: {seen:?}");
}

/// A server that is killed (SIGKILL) when dropped, so that a failing test leaves none behind.
struct Running(std::process::Child);

impl Running {
    /// Kills the server now (SIGKILL) and reaps it.
    fn kill(&mut self) {
        self.0.kill().expect("SIGKILL the server");
        self.0.wait().unwrap();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    response
}

/// An empty installation: the server prints the setup code and serves the setup page; `onsite
/// admin create` makes the first administrator once and prints their password link; then the
/// setup page is gone, even on a restart.
#[test]
fn an_empty_installation_gets_its_first_administrator_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (child, addr, printed) = start_server(dir.path(), &[]);
    let mut server = Running(child);
    assert!(
        printed
            .iter()
            .any(|l| l.starts_with("No administrator yet.") && l.contains("setup code")),
        "{printed:?}"
    );
    assert!(get(&addr, "/setup").starts_with("HTTP/1.1 200"));

    let bad = run(onsite()
        .args(["admin", "create", "--email", "boss@", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("--email"),
        "{}",
        text(&bad.stderr)
    );
    let made = run(onsite()
        .args([
            "admin",
            "create",
            "--email",
            "boss@example.com",
            "--name",
            "Bea Boss",
            "--data-dir",
        ])
        .arg(dir.path()));
    assert!(made.status.success(), "{}", text(&made.stderr));
    let out = text(&made.stdout);
    assert!(
        out.contains("Created the administrator boss@example.com"),
        "{out}"
    );
    let link = out
        .lines()
        .find(|l| l.contains("/reset-password/"))
        .expect("the password link");
    assert_eq!(link.rsplit('/').next().unwrap().len(), 64, "{link}");
    let again = run(onsite()
        .args([
            "admin",
            "create",
            "--email",
            "two@example.com",
            "--data-dir",
        ])
        .arg(dir.path()));
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("administrator already"),
        "{}",
        text(&again.stderr)
    );

    assert!(
        get(&addr, "/setup").starts_with("HTTP/1.1 404"),
        "gone at once"
    );
    server.kill();
    let (child, _addr, printed) = start_server(dir.path(), &[]);
    let _restarted = Running(child);
    assert!(
        !printed.iter().any(|l| l.contains("setup code")),
        "{printed:?}"
    );
}

#[test]
fn serve_answers_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr, _) = start_server(dir.path(), &[]);
    assert!(get(&addr, "/healthz").starts_with("HTTP/1.1 200"));
    assert!(get(&addr, "/readyz").starts_with("HTTP/1.1 200"));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn serve_demo_loads_the_demo_and_prints_the_sign_ins() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr, printed) = start_server(dir.path(), &["--demo"]);
    let printed = printed.join("\n");
    assert!(
        printed.contains("customer@demo.test") && printed.contains("demo-password"),
        "{printed}"
    );
    assert!(get(&addr, "/").starts_with("HTTP/1.1 200"));
    child.kill().unwrap();
    child.wait().unwrap();
    // A second start finds the demo loaded and still prints the sign-ins.
    let (mut child, _, printed) = start_server(dir.path(), &["--demo"]);
    assert!(printed.join("\n").contains("already loaded"));
    assert!(printed.join("\n").contains("technician@demo.test"));
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn invite_prints_a_code_and_refuses_what_cannot_be_invited() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(onsite()
        .args(["demo", "--today", "2026-03-09", "--data-dir"])
        .arg(dir.path()));
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(onsite()
        .args(["invite", "--account", "2", "--data-dir"])
        .arg(dir.path()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("Invited "),
        "{}",
        text(&out.stdout)
    );
    // A second bulk invitation invites nobody again.
    let again = run(onsite()
        .args(["invite", "--account", "2", "--data-dir"])
        .arg(dir.path()));
    assert!(
        text(&again.stdout).starts_with("Invited 0 contacts"),
        "{}",
        text(&again.stdout)
    );

    let missing = run(onsite()
        .args(["invite", "--contact", "999999", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("no such contact"),
        "{}",
        text(&missing.stderr)
    );
    let bad_role = run(onsite()
        .args(["invite", "--contact", "1", "--role", "root", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(text(&bad_role.stderr).contains("--role"));
    let neither = run(onsite().args(["invite", "--data-dir"]).arg(dir.path()));
    assert_eq!(neither.status.code(), Some(2));
}

/// The resident memory of process `pid`, in KiB.
fn resident_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc")
}

/// Each password check needs 19 MiB of working memory (Argon2id); with the C library's malloc
/// the server kept those blocks, about 23 MiB more for each check (580 MiB after 20 s of
/// attempts). Forty checks from eight clients at once must leave it far below that.
#[test]
fn sign_in_attempts_leave_the_servers_memory_bounded() {
    const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr, _) = start_server(dir.path(), &[]);
    assert!(get(&addr, "/sign-in").starts_with("HTTP/1.1 200"));
    let before = resident_kib(child.id());
    let clients: Vec<_> = (0..8)
        .map(|client| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut statuses = Vec::new();
                for attempt in 0..5 {
                    let body =
                        format!("email=nobody-{client}-{attempt}%40nowhere.test&password=wrong-password&csrf={TOKEN}");
                    let mut s = TcpStream::connect(&addr).unwrap();
                    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                    write!(
                        s,
                        "POST /sign-in HTTP/1.1\r\nHost: {addr}\r\nSec-Fetch-Site: same-origin\r\nCookie: onsite_csrf={TOKEN}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .unwrap();
                    let mut response = String::new();
                    s.read_to_string(&mut response).unwrap();
                    statuses.push(response.get(9..12).unwrap_or_default().to_owned());
                }
                statuses
            })
        })
        .collect();
    let statuses: Vec<String> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    let checked = statuses.iter().filter(|s| *s == "401").count();
    assert!(checked >= 20, "most attempts were checked: {statuses:?}");
    let grown = resident_kib(child.id()).saturating_sub(before);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        grown < 100 * 1024,
        "{checked} password checks grew the server by {grown} KiB"
    );
}
