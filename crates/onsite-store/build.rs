//! Embeds every `migrations/NNNN_name.sql` file, in order, so adding a migration is adding a
//! file.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let mut files: Vec<_> = std::fs::read_dir("migrations")
        .expect("migrations directory")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("pub(crate) const MIGRATIONS: &[Migration] = &[\n");
    for path in files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let (version, name) = stem
            .split_once('_')
            .expect("migration file named NNNN_name.sql");
        let version: i64 = version.parse().expect("migration version is a number");
        let abs = std::fs::canonicalize(&path).unwrap();
        writeln!(
            out,
            "    Migration {{ version: {version}, name: {name:?}, sql: include_str!({abs:?}) }},"
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("migrations.rs");
    std::fs::write(dest, out).unwrap();
}
