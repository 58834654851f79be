//! Self-scheduling (SPEC §2–§4): the customer's pages (homepage lists, Book a new
//! appointment, Modify, Cancel appointment) and the same use cases as JSON.
//!
//! `pages` and `api` never import each other: what both read from a request or show of a
//! visit lives here or in the edge's shared modules (`input`, `widgets`).

pub mod api;
pub mod pages;

use crate::input::parse_id;
use onsite_app::booking::ServiceRequest;
use onsite_domain::{AssetId, InvalidInput, ServiceTypeId};

/// What is being booked, from the `service_type` and `asset` fields of a form or query.
pub fn service_request(
    service_type: Option<&str>,
    asset: Option<&str>,
) -> Result<Option<ServiceRequest>, InvalidInput> {
    let Some(raw) = service_type.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let service_type =
        ServiceTypeId(parse_id(raw).ok_or(InvalidInput::new("service_type", "unknown"))?);
    let asset = match asset.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(AssetId(
            parse_id(raw).ok_or(InvalidInput::new("asset", "unknown"))?,
        )),
    };
    Ok(Some(ServiceRequest::new(service_type, asset)))
}
