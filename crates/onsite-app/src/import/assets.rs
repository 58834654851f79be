//! Customers' assets, with their place in a hierarchy: `parent_ref` names the asset this one
//! is a component of, made by an earlier row of the file or an earlier import. Matched on
//! `asset_ref`; the account on its `account_ref`. Saved through `records::staff` (a customer
//! account, a parent of the same account, no cycle).

use super::{Column, Outcome, RowContext, RowError, yes_no};
use crate::records::staff::{self, AssetInput};
use onsite_domain::AssetId;
use onsite_store::imports::{self, RefTable};
use onsite_store::{Conn, assets};

/// The columns, in this order (the positions below).
pub(super) const COLUMNS: &[Column] = &[
    Column {
        name: "asset_ref",
        aliases: &[
            "asset_reference",
            "external_ref",
            "reference",
            "ref",
            "equipment_id",
            "reference_equipement",
        ],
        required: true,
    },
    Column {
        name: "account_ref",
        aliases: &[
            "account_reference",
            "account",
            "customer_ref",
            "reference_compte",
            "reference_client",
            "numero_client",
        ],
        required: true,
    },
    Column {
        name: "parent_ref",
        aliases: &[
            "parent",
            "parent_reference",
            "parent_asset",
            "reference_parent",
        ],
        required: false,
    },
    Column {
        name: "name",
        aliases: &["asset_name", "asset", "nom", "equipement"],
        required: true,
    },
    Column {
        name: "product",
        aliases: &["model", "produit", "modele"],
        required: false,
    },
    Column {
        name: "serial_number",
        aliases: &[
            "serial",
            "serial_no",
            "sn",
            "numero_de_serie",
            "no_de_serie",
        ],
        required: false,
    },
    Column {
        name: "expose_to_customer",
        aliases: &[
            "exposed",
            "visible",
            "visible_to_customer",
            "visible_client",
        ],
        required: false,
    },
];

const REF: usize = 0;
const ACCOUNT: usize = 1;
const PARENT: usize = 2;
const NAME: usize = 3;
const PRODUCT: usize = 4;
const SERIAL: usize = 5;
const EXPOSED: usize = 6;

/// The template's example row.
pub(super) const EXAMPLE: &[&str] = &[
    "ERP-HVAC-7",
    "CRM-1001",
    "",
    "Rooftop unit",
    "Carrier 48TC",
    "4819G20417",
    "true",
];

/// The file's column for a field the asset form names.
fn column_of(field: &str) -> Option<&'static str> {
    match field {
        "account" => Some("account_ref"),
        "parent" => Some("parent_ref"),
        field => COLUMNS.iter().find(|c| c.name == field).map(|c| c.name),
    }
}

pub(super) async fn row(
    conn: &mut Conn,
    cx: &RowContext,
    f: &[String],
) -> Result<Outcome, RowError> {
    let l = cx.locale;
    if f[ACCOUNT].is_empty() {
        return Err(RowError::invalid("account_ref", "required", l));
    }
    let account = imports::find(conn, RefTable::Accounts, &f[ACCOUNT])
        .await?
        .ok_or_else(|| RowError::invalid("account_ref", "unknown", l))?;
    let parent = match f[PARENT].as_str() {
        "" => None,
        parent => Some(
            imports::find(conn, RefTable::Assets, parent)
                .await?
                .ok_or_else(|| RowError::invalid("parent_ref", "unknown", l))?,
        ),
    };
    let exposed = yes_no(&f[EXPOSED], true)
        .ok_or_else(|| RowError::invalid("expose_to_customer", "yes-no", l))?;
    let input = AssetInput {
        account: account.to_string(),
        parent: parent.map(|p| p.to_string()).unwrap_or_default(),
        name: f[NAME].clone(),
        product: f[PRODUCT].clone(),
        serial_number: f[SERIAL].clone(),
        expose_to_customer: exposed,
    };
    let fields = staff::asset_fields(&input).map_err(|e| RowError::of(e, l, column_of))?;
    let refused = |e| RowError::of(e, l, column_of);
    match imports::find(conn, RefTable::Assets, &f[REF]).await? {
        None => {
            let id = staff::create_asset_in(conn, cx.staff, &input, &fields)
                .await
                .map_err(refused)?;
            imports::set(conn, RefTable::Assets, id.0, &f[REF]).await?;
            Ok(Outcome::Created)
        }
        Some(id) => {
            let id = AssetId(id);
            let before = assets::asset(conn, id).await?;
            if before.account_id.0 != account {
                return Err(RowError::invalid("account_ref", "fixed", l));
            }
            if before.name == fields.name
                && before.product == fields.product
                && before.serial_number == fields.serial_number
                && before.parent_id == parent.map(AssetId)
                && before.expose_to_customer == exposed
            {
                return Ok(Outcome::Unchanged);
            }
            staff::update_asset_in(conn, cx.staff, id, &input, &fields, None)
                .await
                .map_err(refused)?;
            Ok(Outcome::Updated)
        }
    }
}
