//! Customer assets in parent/master hierarchies, with the skills working on them requires.
//!
//! The master (top-level) asset is derived on insert from the parent, so it can never disagree
//! with the hierarchy; a parent must belong to the same account.

use crate::catalog::{insert_skills, skill_from_row};
use crate::sql::{Run, attach};
use crate::visibility::Visibility;
use crate::{Conn, Result, RowExt, StoreError, to_ms};
use jiff::Timestamp;
use onsite_domain::asset::Asset;
use onsite_domain::skill::SkillLevel;
use onsite_domain::{AccountId, AssetId};
use sqlx::any::AnyRow;

pub struct NewAsset<'a> {
    pub account_id: AccountId,
    /// The asset this one is a component of; must be an asset of the same account.
    pub parent_id: Option<AssetId>,
    pub name: &'a str,
    pub product: &'a str,
    pub serial_number: Option<&'a str>,
    pub required_skills: &'a [SkillLevel],
    pub expose_to_customer: bool,
}

/// Inserts an asset. A parent that does not exist or belongs to another account is
/// [`StoreError::NotFound`].
pub async fn insert_asset(conn: &mut Conn, a: &NewAsset<'_>) -> Result<AssetId> {
    let master_id = match a.parent_id {
        None => None,
        Some(parent) => {
            let parent_master: Option<i64> = sqlx::query_scalar(
                "SELECT master_id FROM assets WHERE id = $1 AND account_id = $2",
            )
            .bind(parent.0)
            .bind(a.account_id.0)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
            Some(parent_master.unwrap_or(parent.0))
        }
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO assets (account_id, parent_id, master_id, name, product, serial_number, expose_to_customer, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.account_id.0)
    .bind(a.parent_id.map(|p| p.0))
    .bind(master_id)
    .bind(a.name)
    .bind(a.product)
    .bind(a.serial_number)
    .bind(a.expose_to_customer)
    .bind(to_ms(Timestamp::now()))
    .fetch_one(&mut *conn)
    .await?;
    insert_skills(
        conn,
        "asset_skills",
        ("asset_id", id),
        "min_rating",
        a.required_skills,
    )
    .await?;
    Ok(AssetId(id))
}

const COLUMNS: &str = "x.id, x.account_id, x.parent_id, x.master_id, x.name, x.product, x.serial_number, x.expose_to_customer";

pub async fn asset(conn: &mut Conn, id: AssetId) -> Result<Asset> {
    let mut found = select(conn, "x.id = $1", id.0).await?;
    found.pop().ok_or(StoreError::NotFound)
}

/// The account's assets in insertion order (so parents come before their components).
pub async fn assets_of_account(
    conn: &mut Conn,
    account: AccountId,
    visibility: Visibility,
) -> Result<Vec<Asset>> {
    let cond = format!("x.account_id = $1 AND {}", visibility.condition());
    select(conn, &cond, account.0).await
}

/// The direct components of an asset.
pub async fn children(conn: &mut Conn, parent: AssetId) -> Result<Vec<Asset>> {
    select(conn, "x.parent_id = $1", parent.0).await
}

/// Assets matching `cond` (on alias `x`, with one `$1`), each with its skills, in two queries.
async fn select(conn: &mut Conn, cond: &str, arg: i64) -> Result<Vec<Asset>> {
    let mut assets = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assets x WHERE {cond} ORDER BY x.id"
    ))
    .bind(arg)
    .all(conn, asset_from_row)
    .await?;
    let sql = format!(
        "SELECT k.asset_id, k.characteristic_id, k.min_rating FROM asset_skills k JOIN assets x ON x.id = k.asset_id \
         WHERE {cond} ORDER BY k.asset_id, k.characteristic_id"
    );
    let skill = |r: &AnyRow| skill_from_row(r, "min_rating");
    attach(conn, &mut assets, (&sql, &[arg]), "asset_id", skill, |a| {
        (a.id.0, &mut a.required_skills)
    })
    .await?;
    Ok(assets)
}

fn asset_from_row(r: &AnyRow) -> Result<Asset> {
    Ok(Asset {
        id: AssetId(r.i64("id")?),
        account_id: AccountId(r.i64("account_id")?),
        name: r.text("name")?,
        product: r.text("product")?,
        serial_number: r.opt_text("serial_number")?,
        parent_id: r.opt_i64("parent_id")?.map(AssetId),
        master_id: r.opt_i64("master_id")?.map(AssetId),
        required_skills: Vec::new(),
        expose_to_customer: r.bool("expose_to_customer")?,
    })
}
