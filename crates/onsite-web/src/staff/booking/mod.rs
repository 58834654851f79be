//! Book on behalf of a customer (issue 15, item 3): the dispatcher's phone-order pages
//! (`pages`) and the same use cases as JSON (`api`), over `onsite_app::staff_booking`.
//!
//! `pages` and `api` never import each other: what both read from a request lives here.

pub mod api;
pub mod pages;

use crate::input::parse_id;
use onsite_app::staff_booking::Order;
use onsite_domain::{AccountId, AssetId, InvalidInput, ServiceTypeId, TechnicianId};

/// An optional id field: empty is `None`, anything but a positive whole number is refused.
pub(crate) fn optional_id(
    field: &'static str,
    raw: Option<&str>,
) -> Result<Option<i64>, InvalidInput> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(raw) => parse_id(raw)
            .map(Some)
            .ok_or(InvalidInput::new(field, "unknown")),
    }
}

/// The order a form or query names (`account_id`, `service_type_id`, `asset_id`): `None` until
/// both an account and a service type are named.
pub(crate) fn order(
    account: Option<&str>,
    service_type: Option<&str>,
    asset: Option<&str>,
) -> Result<Option<Order>, InvalidInput> {
    let account = optional_id("account_id", account)?;
    let service_type = optional_id("service_type_id", service_type)?;
    let asset = optional_id("asset_id", asset)?;
    Ok(match (account, service_type) {
        (Some(account), Some(service_type)) => Some(Order {
            account: AccountId(account),
            service_type: ServiceTypeId(service_type),
            asset: asset.map(AssetId),
        }),
        _ => None,
    })
}

/// The technician a form or body names, if any.
pub(crate) fn technician(raw: Option<&str>) -> Result<Option<TechnicianId>, InvalidInput> {
    Ok(optional_id("technician_id", raw)?.map(TechnicianId))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_needs_an_account_and_a_service_type_and_names_the_field_at_fault() {
        assert_eq!(order(Some("3"), None, None), Ok(None));
        assert_eq!(
            order(Some("3"), Some(" 4 "), Some("")),
            Ok(Some(Order {
                account: AccountId(3),
                service_type: ServiceTypeId(4),
                asset: None
            }))
        );
        assert_eq!(
            order(Some("x"), Some("4"), None).unwrap_err().field,
            "account_id"
        );
        assert_eq!(
            order(Some("3"), Some("-4"), None).unwrap_err().field,
            "service_type_id"
        );
        assert_eq!(
            order(Some("3"), Some("4"), Some("0")).unwrap_err().field,
            "asset_id"
        );
        assert_eq!(technician(Some("1e3")).unwrap_err().field, "technician_id");
        assert_eq!(technician(Some(" ")), Ok(None));
    }
}
