//! The reference data every slot search and every booking reads — site settings, territories,
//! service types with their skills, technicians with their hours, exceptions, time off,
//! territories and skills — kept in the process as one snapshot.
//!
//! Reading it from the database costs ten queries and a few hundred rows; it changes a few
//! times a day. Migration 0010 gives it one version, bumped by triggers in the same
//! transaction as EVERY write to those tables, whoever makes it (this process, another app
//! server, an import, hand-made SQL). [`crate::Store::reference`] reads that version — one
//! single-row query — and returns the snapshot if it carries that very version, else loads a
//! new one. Versions are never reused (not even one a rolled-back transaction wrote), and the
//! version is read BEFORE the data it labels: a snapshot may hold data newer than its label
//! (it then matches no version any more and is reloaded) but never older. So a reader gets
//! data at least as new as the moment it asked; inside a write transaction on SQLite (which
//! holds the only write lock) that is exactly the committed state.

use crate::catalog::{self, ServiceTypeFilter};
use crate::technicians;
use crate::{Conn, Result, territories};
use onsite_domain::service_type::ServiceType;
use onsite_domain::settings::{Setting, SettingValue};
use onsite_domain::technician::{ResourceKind, Technician};
use onsite_domain::territory::Territory;
use onsite_domain::{ServiceTypeId, TechnicianId, TerritoryId};
use std::sync::{Arc, RwLock};

/// One consistent copy of the reference data.
#[derive(Debug)]
pub struct Reference {
    version: i64,
    /// Stored settings as `(key, raw value)`; a key not here reads as its default.
    settings: Vec<(String, String)>,
    /// Every territory, by name.
    pub territories: Vec<Territory>,
    /// Every service type (active or not), by name, with its required skills.
    pub service_types: Vec<ServiceType>,
    /// Every technician (active or not, any kind), by name, complete.
    pub technicians: Vec<Technician>,
}

impl Reference {
    /// A setting's value (its default when never set), as [`crate::settings::get`] reads it.
    pub fn setting(&self, setting: &Setting) -> SettingValue {
        let stored = self
            .settings
            .iter()
            .find(|(k, _)| k == setting.key)
            .map(|(_, v)| v.as_str());
        crate::settings::value_or_default(setting, stored)
    }

    /// Whether a boolean setting is on.
    pub fn enabled(&self, setting: &Setting) -> bool {
        matches!(self.setting(setting), SettingValue::Bool(true))
    }

    pub fn service_type(&self, id: ServiceTypeId) -> Option<&ServiceType> {
        self.service_types.iter().find(|s| s.id == id)
    }

    pub fn technician(&self, id: TechnicianId) -> Option<&Technician> {
        self.technicians.iter().find(|t| t.id == id)
    }

    /// The candidates for a visit served by any of `territories`: active user resources (the
    /// portal books one person per visit, never a crew or equipment), each once, by name.
    pub fn active_in_territories(&self, territories: &[TerritoryId]) -> Vec<Technician> {
        self.technicians
            .iter()
            .filter(|t| {
                t.active
                    && t.kind == ResourceKind::User
                    && t.territories.iter().any(|x| territories.contains(x))
            })
            .cloned()
            .collect()
    }
}

/// The process's snapshot, shared by the clones of a [`crate::Store`].
#[derive(Debug, Clone, Default)]
pub(crate) struct ReferenceCache {
    current: Arc<RwLock<Option<Arc<Reference>>>>,
    /// One loader at a time: a change seen by many requests at once is loaded once.
    loading: Arc<tokio::sync::Mutex<()>>,
}

impl ReferenceCache {
    /// The snapshot, at least as new as the database's reference data when this is called.
    pub(crate) async fn get(&self, conn: &mut Conn) -> Result<Arc<Reference>> {
        let version = version(conn).await?;
        if let Some(fresh) = self.fresh(version) {
            return Ok(fresh);
        }
        let _loading = self.loading.lock().await;
        // Someone may have loaded it while this waited.
        if let Some(fresh) = self.fresh(version) {
            return Ok(fresh);
        }
        let loaded = Arc::new(load(conn, version).await?);
        if let Ok(mut current) = self.current.write() {
            *current = Some(loaded.clone());
        }
        Ok(loaded)
    }

    fn fresh(&self, version: i64) -> Option<Arc<Reference>> {
        let current = self.current.read().ok()?;
        current.as_ref().filter(|c| c.version == version).cloned()
    }
}

async fn version(conn: &mut Conn) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT version FROM reference_version WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Reads everything, labelled with `version` (read before).
async fn load(conn: &mut Conn, version: i64) -> Result<Reference> {
    let settings = sqlx::query_as::<_, (String, String)>("SELECT key, value FROM settings")
        .fetch_all(&mut *conn)
        .await?;
    Ok(Reference {
        version,
        settings,
        territories: territories::list_territories(conn).await?,
        service_types: catalog::list_service_types(conn, ServiceTypeFilter::All).await?,
        technicians: technicians::list_technicians(conn).await?,
    })
}
