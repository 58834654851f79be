//! The company's catalog: characteristics (skills), service types with their required skills,
//! and the products partners sell.

use crate::{Conn, Result, RowExt, StoreError};
use onsite_domain::service_type::{ServiceType, VisitDuration};
use onsite_domain::skill::{Characteristic, Rating, SkillLevel};
use onsite_domain::{CharacteristicId, ProductId, ServiceTypeId};
use sqlx::any::AnyRow;
use std::collections::HashMap;

// ---- Characteristics ------------------------------------------------------------------------

pub async fn insert_characteristic(conn: &mut Conn, name: &str) -> Result<CharacteristicId> {
    let id: i64 = sqlx::query_scalar("INSERT INTO characteristics (name) VALUES ($1) RETURNING id")
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
    Ok(CharacteristicId(id))
}

pub async fn characteristic(conn: &mut Conn, id: CharacteristicId) -> Result<Characteristic> {
    let r = sqlx::query("SELECT id, name FROM characteristics WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Characteristic {
        id: CharacteristicId(r.i64("id")?),
        name: r.text("name")?,
    })
}

/// Every characteristic, by name.
pub async fn list_characteristics(conn: &mut Conn) -> Result<Vec<Characteristic>> {
    sqlx::query("SELECT id, name FROM characteristics ORDER BY name, id")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Characteristic {
                id: CharacteristicId(r.i64("id")?),
                name: r.text("name")?,
            })
        })
        .collect()
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
    for skill in s.required_skills {
        sqlx::query(
            "INSERT INTO service_type_skills (service_type_id, characteristic_id, min_rating) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(skill.characteristic_id.0)
        .bind(i64::from(skill.rating))
        .execute(&mut *conn)
        .await?;
    }
    Ok(ServiceTypeId(id))
}

const SERVICE_TYPE_COLUMNS: &str =
    "id, name, description, duration_minutes, self_scheduling, active";

pub async fn service_type(conn: &mut Conn, id: ServiceTypeId) -> Result<ServiceType> {
    let row = sqlx::query(&format!(
        "SELECT {SERVICE_TYPE_COLUMNS} FROM service_types WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let mut st = service_type_from_row(&row)?;
    st.required_skills = sqlx::query(
        "SELECT characteristic_id, min_rating FROM service_type_skills WHERE service_type_id = $1 \
         ORDER BY characteristic_id",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| skill_from_row(r, "min_rating"))
    .collect::<Result<_>>()?;
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
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(service_type_from_row)
    .collect::<Result<Vec<_>>>()?;
    let rows = sqlx::query(&format!(
        "SELECT k.service_type_id, k.characteristic_id, k.min_rating FROM service_type_skills k \
         JOIN service_types s ON s.id = k.service_type_id WHERE {condition} \
         ORDER BY k.service_type_id, k.characteristic_id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut skills: HashMap<i64, Vec<SkillLevel>> = HashMap::new();
    for r in &rows {
        skills
            .entry(r.i64("service_type_id")?)
            .or_default()
            .push(skill_from_row(r, "min_rating")?);
    }
    for st in &mut types {
        st.required_skills = skills.remove(&st.id.0).unwrap_or_default();
    }
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
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Product {
                id: ProductId(r.i64("id")?),
                code: r.text("code")?,
                name: r.text("name")?,
            })
        })
        .collect()
}
