//! The company's catalog: characteristics (skills), service types with their required skills,
//! the products partners sell and the lead types they take.
//!
//! Characteristics, products and lead types are the catalogue's named lists ([`List`]): each
//! entry is created, renamed, and retired or restored — never deleted, since technicians,
//! service types, assets, partners and opportunities refer to them.

use crate::sql::{Run, attach, values};
use crate::{Conn, Result, RowExt};
use onsite_domain::service_type::{ServiceType, VisitDuration};
use onsite_domain::skill::{Characteristic, Rating, SkillLevel};
use onsite_domain::{CharacteristicId, ProductId, ServiceTypeId};
use sqlx::any::AnyRow;

// ---- Characteristics ------------------------------------------------------------------------

pub async fn insert_characteristic(conn: &mut Conn, name: &str) -> Result<CharacteristicId> {
    let id: i64 = sqlx::query_scalar("INSERT INTO characteristics (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
    Ok(CharacteristicId(id))
}

pub async fn characteristic(conn: &mut Conn, id: CharacteristicId) -> Result<Characteristic> {
    sqlx::query("SELECT id, name, active FROM characteristics WHERE id = $1")
        .bind(id.0)
        .one(conn, characteristic_from_row)
        .await
}

fn characteristic_from_row(r: &AnyRow) -> Result<Characteristic> {
    Ok(Characteristic {
        id: CharacteristicId(r.i64("id")?),
        name: r.text("name")?,
        active: r.bool("active")?,
    })
}

/// Every characteristic, by name, retired ones too.
pub async fn list_characteristics(conn: &mut Conn) -> Result<Vec<Characteristic>> {
    sqlx::query("SELECT id, name, active FROM characteristics ORDER BY name, id")
        .all(conn, characteristic_from_row)
        .await
}

// ---- The named lists ------------------------------------------------------------------------

/// One of the catalogue's named lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Characteristics,
    Products,
    LeadTypes,
}

impl List {
    fn table(self) -> &'static str {
        match self {
            List::Characteristics => "characteristics",
            List::Products => "products",
            List::LeadTypes => "lead_types",
        }
    }

    /// Whether its entries have a short unique code besides their name (products and lead
    /// types: what partner profiles and opportunities store).
    pub fn has_code(self) -> bool {
        self != List::Characteristics
    }

    fn code_column(self) -> &'static str {
        if self.has_code() {
            "code"
        } else {
            "NULL AS code"
        }
    }
}

/// An entry of a named list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    /// The short unique code, in the lists that have one.
    pub code: Option<String>,
    pub name: String,
    /// Retired entries are kept for what refers to them, and no longer offered.
    pub active: bool,
    /// Grows with every rename, retirement and restoration: a change from an older version is
    /// refused.
    pub version: i64,
}

fn entry_from_row(r: &AnyRow) -> Result<Entry> {
    Ok(Entry {
        id: r.i64("id")?,
        code: r.opt_text("code")?,
        name: r.text("name")?,
        active: r.bool("active")?,
        version: r.i64("version")?,
    })
}

/// Every entry of `list`, active ones first, each group by name.
pub async fn entries(conn: &mut Conn, list: List) -> Result<Vec<Entry>> {
    sqlx::query(&format!(
        "SELECT id, {}, name, active, version FROM {} ORDER BY active DESC, name, id",
        list.code_column(),
        list.table()
    ))
    .all(conn, entry_from_row)
    .await
}

pub async fn entry(conn: &mut Conn, list: List, id: i64) -> Result<Entry> {
    sqlx::query(&format!(
        "SELECT id, {}, name, active, version FROM {} WHERE id = $1",
        list.code_column(),
        list.table()
    ))
    .bind(id)
    .one(conn, entry_from_row)
    .await
}

/// Adds an active entry (`code` only in lists that have one); [`StoreError::Conflict`] when
/// the name or code is taken.
pub async fn insert_entry(
    conn: &mut Conn,
    list: List,
    code: Option<&str>,
    name: &str,
) -> Result<i64> {
    let table = list.table();
    let id = match code.filter(|_| list.has_code()) {
        Some(code) => {
            sqlx::query_scalar(&format!(
                "INSERT INTO {table} (code, name) VALUES ($1, $2) RETURNING id"
            ))
            .bind(code)
            .bind(name)
            .fetch_one(&mut *conn)
            .await?
        }
        None => {
            sqlx::query_scalar(&format!(
                "INSERT INTO {table} (name) VALUES ($1) RETURNING id"
            ))
            .bind(name)
            .fetch_one(&mut *conn)
            .await?
        }
    };
    Ok(id)
}

/// Renames an entry saved at `seen_version`; `false` (nothing written) when it is at another
/// version or gone; [`StoreError::Conflict`] when the name is taken.
pub async fn rename_entry(
    conn: &mut Conn,
    list: List,
    id: i64,
    seen_version: i64,
    name: &str,
) -> Result<bool> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET name = $1, version = version + 1 WHERE id = $2 AND version = $3",
        list.table()
    ))
    .bind(name)
    .bind(id)
    .bind(seen_version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Retires (`active` false) or restores an entry saved at `seen_version`; `false` (nothing
/// written) when it is at another version or gone.
pub async fn set_entry_active(
    conn: &mut Conn,
    list: List,
    id: i64,
    seen_version: i64,
    active: bool,
) -> Result<bool> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET active = $1, version = version + 1 WHERE id = $2 AND version = $3",
        list.table()
    ))
    .bind(active)
    .bind(id)
    .bind(seen_version)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds the owner's skill levels to `table` (columns `owner_col`, `characteristic_id` and
/// `rating_col`), in one statement.
pub(crate) async fn insert_skills(
    conn: &mut Conn,
    table: &str,
    (owner_col, owner): (&str, i64),
    rating_col: &str,
    skills: &[SkillLevel],
) -> Result<()> {
    if skills.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO {table} ({owner_col}, characteristic_id, {rating_col}) VALUES {}",
        values(skills.len(), &["?"; 3])
    );
    let mut q = sqlx::query(&sql);
    for s in skills {
        q = q
            .bind(owner)
            .bind(s.characteristic_id.0)
            .bind(i64::from(s.rating));
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Reads a `(characteristic_id, <rating column>)` pair as a skill level.
pub(crate) fn skill_from_row(r: &AnyRow, rating_col: &str) -> Result<SkillLevel> {
    Ok(SkillLevel {
        characteristic_id: CharacteristicId(r.i64("characteristic_id")?),
        rating: Rating::new(r.i64(rating_col)?)?,
    })
}

// ---- Service types --------------------------------------------------------------------------

pub struct NewServiceType<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub duration: VisitDuration,
    pub required_skills: &'a [SkillLevel],
    pub self_scheduling: bool,
    pub active: bool,
}

pub async fn insert_service_type(conn: &mut Conn, s: &NewServiceType<'_>) -> Result<ServiceTypeId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO service_types (name, description, duration_minutes, self_scheduling, active) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(s.name)
    .bind(s.description)
    .bind(s.duration.minutes())
    .bind(s.self_scheduling)
    .bind(s.active)
    .fetch_one(&mut *conn)
    .await?;
    let owner = ("service_type_id", id);
    insert_skills(
        conn,
        "service_type_skills",
        owner,
        "min_rating",
        s.required_skills,
    )
    .await?;
    Ok(ServiceTypeId(id))
}

const SERVICE_TYPE_COLUMNS: &str =
    "id, name, description, duration_minutes, self_scheduling, active, version";

/// Saves a service type edited from `seen_version` (the version its form showed): its fields
/// and required skills, replaced whole, and its version bumped. `false` when the service type
/// is at another version (saved by someone else meanwhile): nothing is written.
/// ([`StoreError::NotFound`](crate::StoreError::NotFound) when there is no such service type.)
pub async fn update_service_type(
    conn: &mut Conn,
    id: ServiceTypeId,
    seen_version: i64,
    s: &NewServiceType<'_>,
) -> Result<bool> {
    let saved = sqlx::query(
        "UPDATE service_types SET name = $1, description = $2, duration_minutes = $3, \
         self_scheduling = $4, active = $5, version = version + 1 WHERE id = $6 AND version = $7",
    )
    .bind(s.name)
    .bind(s.description)
    .bind(s.duration.minutes())
    .bind(s.self_scheduling)
    .bind(s.active)
    .bind(id.0)
    .bind(seen_version)
    .changed(conn)
    .await?;
    if !saved {
        service_type(conn, id).await?;
        return Ok(false);
    }
    sqlx::query("DELETE FROM service_type_skills WHERE service_type_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    let owner = ("service_type_id", id.0);
    insert_skills(
        conn,
        "service_type_skills",
        owner,
        "min_rating",
        s.required_skills,
    )
    .await?;
    Ok(true)
}

/// A service type's names in languages other than its default name's: (locale tag, name).
pub async fn service_type_names(
    conn: &mut Conn,
    id: ServiceTypeId,
) -> Result<Vec<(String, String)>> {
    sqlx::query(
        "SELECT locale, name FROM service_type_names WHERE service_type_id = $1 ORDER BY locale",
    )
    .bind(id.0)
    .all(conn, |r| Ok((r.text("locale")?, r.text("name")?)))
    .await
}

/// The names service types have in the language `locale` (a tag), for those that have one.
pub async fn service_type_names_in(
    conn: &mut Conn,
    locale: &str,
) -> Result<Vec<(ServiceTypeId, String)>> {
    sqlx::query("SELECT service_type_id, name FROM service_type_names WHERE locale = $1")
        .bind(locale)
        .all(conn, |r| {
            Ok((ServiceTypeId(r.i64("service_type_id")?), r.text("name")?))
        })
        .await
}

/// Sets a service type's names in other languages, replaced whole (locale tag, name).
pub async fn set_service_type_names(
    conn: &mut Conn,
    id: ServiceTypeId,
    names: &[(&str, &str)],
) -> Result<()> {
    sqlx::query("DELETE FROM service_type_names WHERE service_type_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    for (locale, name) in names {
        sqlx::query(
            "INSERT INTO service_type_names (service_type_id, locale, name) VALUES ($1, $2, $3)",
        )
        .bind(id.0)
        .bind(*locale)
        .bind(*name)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn service_type(conn: &mut Conn, id: ServiceTypeId) -> Result<ServiceType> {
    let mut st = sqlx::query(&format!(
        "SELECT {SERVICE_TYPE_COLUMNS} FROM service_types WHERE id = $1"
    ))
    .bind(id.0)
    .one(conn, service_type_from_row)
    .await?;
    st.required_skills = sqlx::query(
        "SELECT characteristic_id, min_rating FROM service_type_skills WHERE service_type_id = $1 \
         ORDER BY characteristic_id",
    )
    .bind(id.0)
    .all(conn, |r| skill_from_row(r, "min_rating"))
    .await?;
    Ok(st)
}

/// Which service types a listing returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceTypeFilter {
    /// Every service type, active or not (the back office).
    All,
    /// Active ones exposed for self-scheduling ("Book a new appointment").
    SelfScheduling,
}

/// Service types by name with their required skills, in two queries.
pub async fn list_service_types(
    conn: &mut Conn,
    filter: ServiceTypeFilter,
) -> Result<Vec<ServiceType>> {
    let condition = match filter {
        ServiceTypeFilter::All => "1 = 1",
        ServiceTypeFilter::SelfScheduling => "s.active = TRUE AND s.self_scheduling = TRUE",
    };
    let mut types = sqlx::query(&format!(
        "SELECT {SERVICE_TYPE_COLUMNS} FROM service_types s WHERE {condition} ORDER BY name, id"
    ))
    .all(conn, service_type_from_row)
    .await?;
    let sql = format!(
        "SELECT k.service_type_id, k.characteristic_id, k.min_rating FROM service_type_skills k \
         JOIN service_types s ON s.id = k.service_type_id WHERE {condition} \
         ORDER BY k.service_type_id, k.characteristic_id"
    );
    let skill = |r: &AnyRow| skill_from_row(r, "min_rating");
    attach(
        conn,
        &mut types,
        (&sql, &[]),
        "service_type_id",
        skill,
        |st| (st.id.0, &mut st.required_skills),
    )
    .await?;
    Ok(types)
}

fn service_type_from_row(r: &AnyRow) -> Result<ServiceType> {
    Ok(ServiceType {
        id: ServiceTypeId(r.i64("id")?),
        name: r.text("name")?,
        description: r.text("description")?,
        duration: VisitDuration::from_minutes(r.i64("duration_minutes")?)?,
        required_skills: Vec::new(),
        self_scheduling: r.bool("self_scheduling")?,
        active: r.bool("active")?,
        version: r.i64("version")?,
    })
}

// ---- Products -------------------------------------------------------------------------------

/// Something partners sell; opportunities list the products they are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    /// Short unique code, e.g. `HP-DUCTLESS`.
    pub code: String,
    pub name: String,
    /// Retired products stay on partners and opportunities, and are no longer offered.
    pub active: bool,
}

pub async fn insert_product(conn: &mut Conn, code: &str, name: &str) -> Result<ProductId> {
    let id: i64 =
        sqlx::query_scalar("INSERT INTO products (code, name) VALUES ($1, $2) RETURNING id")
            .bind(code)
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
    Ok(ProductId(id))
}

/// Every product, by code, retired ones too.
pub async fn list_products(conn: &mut Conn) -> Result<Vec<Product>> {
    sqlx::query("SELECT id, code, name, active FROM products ORDER BY code, id")
        .all(conn, |r| {
            Ok(Product {
                id: ProductId(r.i64("id")?),
                code: r.text("code")?,
                name: r.text("name")?,
                active: r.bool("active")?,
            })
        })
        .await
}
