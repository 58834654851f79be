//! Moving a visit to another technician or time (issue 15 item 2), for dispatchers
//! (`Dispatch`): the keyboard and screen-reader "Move…" dialog (`pages`) and the JSON API the
//! board's drag and drop calls (`api`), both over `onsite_app::moves` — the same check, the
//! same reasons, the same move. What both read from a request is here.

pub mod api;
pub mod pages;

use crate::input::parse_id;
use onsite_domain::{InvalidInput, TechnicianId};

/// A technician id as typed or sent: a positive whole number, else the field is refused.
fn technician_id(raw: Option<&str>) -> Result<TechnicianId, InvalidInput> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Err(InvalidInput::new("technician_id", "required")),
        Some(raw) => parse_id(raw)
            .map(TechnicianId)
            .ok_or(InvalidInput::new("technician_id", "unknown")),
    }
}
