//! Gathers the static assets that the binary embeds.
//!
//! Front-end packages (Pico CSS, htmx, Leaflet) come from npm, pinned by
//! `assets/package-lock.json`; none of their files are committed. This script runs `npm ci` in
//! `assets/` when `node_modules` is missing or older than the lock file, copies the few files
//! the pages use (plus our own `assets/src/**`) into `OUT_DIR/assets`, and writes
//! `OUT_DIR/assets.rs`: a table of (path, content type, bytes via `include_bytes!`) and a
//! version string, a hash of every embedded byte, that the server puts in asset URLs so that
//! browsers may cache them forever.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// Files taken from `node_modules`: (source below `node_modules/`, path served below
/// `/assets/<version>/`). Leaflet's images keep their place next to its CSS, which refers to
/// them relatively.
const VENDORED: &[(&str, &str)] = &[
    ("@picocss/pico/css/pico.min.css", "vendor/pico.min.css"),
    ("htmx.org/dist/htmx.min.js", "vendor/htmx.min.js"),
    ("leaflet/dist/leaflet.js", "vendor/leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "vendor/leaflet/leaflet.css"),
    (
        "leaflet/dist/images/layers.png",
        "vendor/leaflet/images/layers.png",
    ),
    (
        "leaflet/dist/images/layers-2x.png",
        "vendor/leaflet/images/layers-2x.png",
    ),
    (
        "leaflet/dist/images/marker-icon.png",
        "vendor/leaflet/images/marker-icon.png",
    ),
    (
        "leaflet/dist/images/marker-icon-2x.png",
        "vendor/leaflet/images/marker-icon-2x.png",
    ),
    (
        "leaflet/dist/images/marker-shadow.png",
        "vendor/leaflet/images/marker-shadow.png",
    ),
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let assets = manifest.join("assets");
    let own = assets.join("src");
    let modules = assets.join("node_modules");

    println!("cargo::rerun-if-changed=assets/package.json");
    println!("cargo::rerun-if-changed=assets/package-lock.json");
    println!("cargo::rerun-if-changed=assets/src");
    // npm rewrites this file on every install, so a manual `npm ci` also triggers a rebuild.
    println!("cargo::rerun-if-changed=assets/node_modules/.package-lock.json");
    println!("cargo::rerun-if-env-changed=ONSITE_NPM");

    if needs_install(&assets, &modules) {
        npm_ci(&assets);
    }

    let target = out.join("assets");
    let _ = std::fs::remove_dir_all(&target);
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for (source, served) in VENDORED {
        let from = modules.join(source);
        if !from.is_file() {
            fail(&format!(
                "{} is missing after `npm ci`; the pinned package layout changed? Update VENDORED in build.rs.",
                from.display()
            ));
        }
        files.push(((*served).to_owned(), from));
    }
    collect(&own, &own, &mut files);
    files.sort();

    let mut hash = Fnv::new();
    let mut table = String::new();
    for (served, from) in &files {
        let bytes = std::fs::read(from)
            .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", from.display())));
        hash.write(served.as_bytes());
        hash.write(&[0]);
        hash.write(&bytes);
        let dest = target.join(served);
        std::fs::create_dir_all(dest.parent().expect("below OUT_DIR"))
            .and_then(|()| std::fs::write(&dest, &bytes))
            .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", dest.display())));
        let content_type = content_type(served).unwrap_or_else(|| {
            fail(&format!(
                "no content type known for {served}: add its extension to build.rs"
            ))
        });
        writeln!(
            table,
            "    Asset {{ path: {served:?}, content_type: {content_type:?}, bytes: include_bytes!({:?}) }},",
            dest.display().to_string()
        )
        .expect("writing to a String");
    }
    let version = format!("{:016x}", hash.finish());
    let code = format!(
        "/// A hash of every embedded asset: changes whenever any of them does.\n\
         pub const VERSION: &str = \"{version}\";\n\
         /// The entity tag of every asset of this version.\n\
         const ENTITY_TAG: &str = \"\\\"{version}\\\"\";\n\n\
         /// Every embedded asset, sorted by path.\n\
         static FILES: &[Asset] = &[\n{table}];\n"
    );
    std::fs::write(out.join("assets.rs"), code)
        .unwrap_or_else(|e| fail(&format!("cannot write assets.rs: {e}")));
}

/// `node_modules` is missing, or older than the lock file (someone changed a pin).
fn needs_install(assets: &Path, modules: &Path) -> bool {
    let installed = modified(&modules.join(".package-lock.json"));
    let locked = modified(&assets.join("package-lock.json"));
    match (installed, locked) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn npm_ci(assets: &Path) {
    let npm = std::env::var("ONSITE_NPM").unwrap_or_else(|_| "npm".to_owned());
    // `--ignore-scripts`: these packages ship plain files; nothing of theirs needs to run here.
    let status = Command::new(&npm)
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(assets)
        .status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => fail(&format!(
            "`{npm} ci` failed in {} ({s}). It fetches the pinned front-end packages (Pico CSS, htmx, Leaflet) from the npm registry; check the network and the messages above.",
            assets.display()
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fail(&format!(
            "npm was not found ({npm}). Building onsite-web needs Node.js and npm to fetch the pinned front-end packages: install them (e.g. `apt-get install -y nodejs npm`), or point ONSITE_NPM at npm."
        )),
        Err(e) => fail(&format!(
            "cannot run `{npm} ci` in {}: {e}",
            assets.display()
        )),
    }
}

/// Every file below `dir`, served at its path relative to `root`.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", dir.display())));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", dir.display())))
            .path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.is_file() {
            let relative = path.strip_prefix(root).expect("below root");
            let served = relative
                .components()
                .map(|c| {
                    c.as_os_str()
                        .to_str()
                        .unwrap_or_else(|| fail(&format!("non-UTF-8 file name {}", path.display())))
                })
                .collect::<Vec<_>>()
                .join("/");
            files.push((served, path));
        }
    }
}

fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1;
    Some(match ext {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

/// FNV-1a, 64 bits: stable across Rust versions (unlike `DefaultHasher`), which matters because
/// every server of a deployment must compute the same asset URLs.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

fn fail(message: &str) -> ! {
    // Cargo shows a failed build script's stderr: one plain line says what to do.
    eprintln!("error: {message}");
    std::process::exit(1);
}
