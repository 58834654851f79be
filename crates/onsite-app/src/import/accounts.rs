//! Accounts with their contacts: one row per contact, the account's columns repeated on each
//! (a row without any contact column is the account alone). Matched on `account_ref` and
//! `contact_ref`; saved through `customers` (the territory follows the address, one active
//! contact per email address, the web roles the account's kind offers).

use super::{Column, Outcome, RowContext, RowError, yes_no};
use crate::customers::{self, AccountFields, AccountInput, ContactInput};
use onsite_domain::account::AccountKind;
use onsite_domain::geo::GeoPoint;
use onsite_domain::role::Role;
use onsite_domain::{AccountId, ContactId};
use onsite_i18n::Locale;
use onsite_store::imports::{self, RefTable};
use onsite_store::{Conn, accounts};

const fn column(name: &'static str, aliases: &'static [&'static str], required: bool) -> Column {
    Column {
        name,
        aliases,
        required,
    }
}

/// The columns, in this order (the positions below).
pub(super) const COLUMNS: &[Column] = &[
    column(
        "account_ref",
        &[
            "account_reference",
            "account_external_ref",
            "external_ref",
            "reference",
            "ref",
            "customer_number",
            "reference_compte",
            "reference_client",
            "numero_client",
        ],
        true,
    ),
    column("kind", &["type", "account_kind", "account_type"], false),
    column(
        "name",
        &[
            "account_name",
            "account",
            "company",
            "company_name",
            "nom",
            "nom_du_compte",
            "raison_sociale",
            "entreprise",
        ],
        true,
    ),
    column(
        "address_line",
        &["address", "street", "street_address", "adresse", "rue"],
        true,
    ),
    column("city", &["town", "ville"], true),
    column(
        "postal_code",
        &["postcode", "post_code", "zip", "zip_code", "code_postal"],
        false,
    ),
    column("country", &["country_code", "pays"], true),
    column("latitude", &["lat"], true),
    column("longitude", &["lon", "lng", "long"], true),
    column("time_zone", &["timezone", "tz", "fuseau_horaire"], true),
    column("notes", &["note", "comments", "remarques"], false),
    column("active", &["account_active", "actif"], false),
    column(
        "contact_ref",
        &["contact_reference", "reference_contact"],
        false,
    ),
    column("first_name", &["firstname", "given_name", "prenom"], false),
    column(
        "last_name",
        &["lastname", "surname", "family_name", "nom_de_famille"],
        false,
    ),
    column(
        "email",
        &["e_mail", "email_address", "courriel", "adresse_courriel"],
        false,
    ),
    column("phone", &["telephone", "phone_number", "tel"], false),
    column("language", &["lang", "langue"], false),
    column("web_roles", &["roles", "portal_roles", "roles_web"], false),
];

const REF: usize = 0;
const KIND: usize = 1;
const NAME: usize = 2;
const ADDRESS: usize = 3;
const CITY: usize = 4;
const POSTAL_CODE: usize = 5;
const COUNTRY: usize = 6;
const LATITUDE: usize = 7;
const LONGITUDE: usize = 8;
const TIME_ZONE: usize = 9;
const NOTES: usize = 10;
const ACTIVE: usize = 11;
const CONTACT_REF: usize = 12;
/// The contact's columns, `contact_ref` first.
const CONTACT: std::ops::RangeInclusive<usize> = 12..=18;
const FIRST_NAME: usize = 13;
const LAST_NAME: usize = 14;
const EMAIL: usize = 15;
const PHONE: usize = 16;
const LANGUAGE: usize = 17;
const WEB_ROLES: usize = 18;

/// The template's example row.
pub(super) const EXAMPLE: &[&str] = &[
    "CRM-1001",
    "customer",
    "Boulangerie Fabre",
    "4301 Rue Saint-Denis",
    "Montréal",
    "H2J 2K9",
    "CA",
    "45.5226",
    "-73.5831",
    "America/Toronto",
    "Delivery door at the back",
    "true",
    "CRM-1001-1",
    "Émilie",
    "Fabre",
    "emilie@example.com",
    "+1 514 555 0101",
    "fr",
    "self-scheduling",
];

/// The file's column for a field the use cases name.
fn column_of(field: &str) -> Option<&'static str> {
    COLUMNS.iter().find(|c| c.name == field).map(|c| c.name)
}

/// A decimal degree as typed, with a dot or a comma (`45,5226` from a French spreadsheet).
fn degrees(column: &'static str, raw: &str, locale: Locale) -> Result<f64, RowError> {
    if raw.is_empty() {
        return Err(RowError::invalid(column, "required", locale));
    }
    raw.replace(',', ".")
        .parse::<f64>()
        .map_err(|_| RowError::invalid(column, "not-a-number", locale))
}

/// Web roles as typed: separated by commas, semicolons, bars or spaces.
fn web_roles(raw: &str, locale: Locale) -> Result<Vec<Role>, RowError> {
    raw.split([',', ';', '|', ' '])
        .filter(|r| !r.is_empty())
        .map(|r| {
            r.to_lowercase()
                .parse::<Role>()
                .map_err(|_| RowError::invalid("web_roles", "unknown", locale))
        })
        .collect()
}

pub(super) async fn row(
    conn: &mut Conn,
    cx: &RowContext,
    f: &[String],
) -> Result<Outcome, RowError> {
    let l = cx.locale;
    let kind = match f[KIND].to_lowercase().as_str() {
        "" => AccountKind::Customer,
        k => AccountKind::parse(k).map_err(|_| RowError::invalid("kind", "unknown", l))?,
    };
    let latitude = degrees("latitude", &f[LATITUDE], l)?;
    let longitude = degrees("longitude", &f[LONGITUDE], l)?;
    let location = GeoPoint::new(latitude, longitude).map_err(|e| RowError::of(e, l, column_of))?;
    let input = AccountInput {
        name: f[NAME].clone(),
        address_line: f[ADDRESS].clone(),
        city: f[CITY].clone(),
        postal_code: f[POSTAL_CODE].clone(),
        country: f[COUNTRY].clone(),
        location,
        time_zone: f[TIME_ZONE].clone(),
        notes: f[NOTES].clone(),
    };
    let fields = AccountFields::parse(&input).map_err(|e| RowError::of(e, l, column_of))?;
    let active =
        yes_no(&f[ACTIVE], true).ok_or_else(|| RowError::invalid("active", "yes-no", l))?;
    let refused = |e| RowError::of(e, l, column_of);
    let (account, mut outcome) = match imports::find(conn, RefTable::Accounts, &f[REF]).await? {
        None => {
            let id = customers::create_account_in(conn, cx.staff, kind, &fields)
                .await
                .map_err(refused)?;
            imports::set(conn, RefTable::Accounts, id.0, &f[REF]).await?;
            if !active {
                customers::set_account_active_in(conn, cx.staff, id, 1, false)
                    .await
                    .map_err(refused)?;
            }
            (id, Outcome::Created)
        }
        Some(id) => {
            let id = AccountId(id);
            let before = accounts::account(conn, id).await?;
            if before.kind != kind {
                return Err(RowError::invalid("kind", "fixed", l));
            }
            let mut changed =
                customers::update_account_in(conn, cx.staff, id, before.version, &fields)
                    .await
                    .map_err(refused)?;
            if before.active != active {
                let version = accounts::account(conn, id).await?.version;
                changed |= customers::set_account_active_in(conn, cx.staff, id, version, active)
                    .await
                    .map_err(refused)?;
            }
            let outcome = if changed {
                Outcome::Updated
            } else {
                Outcome::Unchanged
            };
            (id, outcome)
        }
    };
    if f[CONTACT].iter().all(String::is_empty) {
        return Ok(outcome);
    }
    let contact_ref = &f[CONTACT_REF];
    super::check_ref(contact_ref, "contact_ref", l)?;
    let input = ContactInput {
        first_name: f[FIRST_NAME].clone(),
        last_name: f[LAST_NAME].clone(),
        email: f[EMAIL].clone(),
        phone: f[PHONE].clone(),
        language: f[LANGUAGE].to_lowercase(),
        web_roles: web_roles(&f[WEB_ROLES], l)?,
    };
    let contact = match imports::find(conn, RefTable::Contacts, contact_ref).await? {
        None => {
            let id = customers::create_contact_in(conn, cx.staff, account, &input)
                .await
                .map_err(refused)?;
            imports::set(conn, RefTable::Contacts, id.0, contact_ref).await?;
            Outcome::Created
        }
        Some(id) => {
            let id = ContactId(id);
            let before = accounts::contact(conn, id).await?;
            if before.account_id != account {
                return Err(RowError::invalid("account_ref", "fixed", l));
            }
            let changed =
                customers::update_contact_in(conn, cx.staff, id, before.version, &input, cx.now)
                    .await
                    .map_err(refused)?;
            if changed {
                Outcome::Updated
            } else {
                Outcome::Unchanged
            }
        }
    };
    outcome = outcome.max(contact);
    Ok(outcome)
}
