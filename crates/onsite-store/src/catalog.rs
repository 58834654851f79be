//! The company's catalog: characteristics (skills), service types with their required skills,
//! and the products partners sell.

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
    sqlx::query("SELECT id, name FROM characteristics WHERE id = $1")
        .bind(id.0)
        .one(conn, characteristic_from_row)
        .await
}

fn characteristic_from_row(r: &AnyRow) -> Result<Characteristic> {
    Ok(Characteristic {
        id: CharacteristicId(r.i64("id")?),
        name: r.text("name")?,
    })
}

/// Every characteristic, by name.
pub async fn list_characteristics(conn: &mut Conn) -> Result<Vec<Characteristic>> {
    sqlx::query("SELECT id, name FROM characteristics ORDER BY name, id")
        .all(conn, characteristic_from_row)
        .await
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
    "id, name, description, duration_minutes, self_scheduling, active";

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

/// Every product, by code.
pub async fn list_products(conn: &mut Conn) -> Result<Vec<Product>> {
    sqlx::query("SELECT id, code, name FROM products ORDER BY code, id")
        .all(conn, |r| {
            Ok(Product {
                id: ProductId(r.i64("id")?),
                code: r.text("code")?,
                name: r.text("name")?,
            })
        })
        .await
}
