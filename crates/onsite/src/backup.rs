//! `onsite backup` and `onsite restore`: the embedded database copied while the server serves,
//! and a copy put back in its place (the procedure is the store's, `onsite_store::backup`). A
//! PostgreSQL database is backed up with its own tools, which these commands point to.

use crate::config::Config;
use crate::serve::{Failure, open_store, redact};
use onsite_store::backup::{self, BackupError};
use std::path::Path;

pub async fn backup(config: &Config, file: &Path, force: bool) -> Result<(), Failure> {
    let database = backup::database_file(&config.database_url).map_err(|e| refused(config, e))?;
    let checked = backup::back_up(&database, file, force)
        .await
        .map_err(|e| refused(config, e))?;
    println!(
        "Backed up {} to {} (schema {}, integrity checked).",
        database.display(),
        file.display(),
        checked.schema_version
    );
    Ok(())
}

pub async fn restore(config: &Config, file: &Path) -> Result<(), Failure> {
    let database = backup::database_file(&config.database_url).map_err(|e| refused(config, e))?;
    let restored = backup::restore(&database, file, jiff::Timestamp::now())
        .await
        .map_err(|e| refused(config, e))?;
    if let Some(previous) = &restored.previous {
        println!("The previous database is kept as {}.", previous.display());
    }
    // Opening the store migrates the restored database to this program's schema.
    let store = open_store(config).await?;
    store.close().await;
    println!(
        "Restored {} (schema {}) into {}; the database is up to date.",
        file.display(),
        restored.schema_version,
        database.display()
    );
    Ok(())
}

/// Refusals are bad input (exit code 2); failures of the disk or the database are not.
fn refused(config: &Config, e: BackupError) -> Failure {
    match e {
        BackupError::NotSqlite => Failure::BadInput(format!(
            "{e}, for example:\n  pg_dump --format=custom --file=onsite.dump '{url}'\n  \
             pg_restore --clean --if-exists --no-owner --dbname='{url}' onsite.dump",
            url = redact(&config.database_url)
        )),
        BackupError::Io { .. } | BackupError::Database(_) => Failure::Other(e.into()),
        e => Failure::BadInput(e.to_string()),
    }
}
