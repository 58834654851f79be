//! The catalogue in the back office: skills, products, lead types and service types, as pages
//! (`pages.rs`) and as the staff's JSON API (`api.rs`), both over `onsite_app::catalog`.

pub mod api;
pub mod pages;

pub use pages::*;

use onsite_app::catalog::{ServiceTypeDetail, ServiceTypeInput};

/// The form's input of a stored service type.
pub(crate) fn input_of(detail: ServiceTypeDetail) -> ServiceTypeInput {
    let st = detail.service_type;
    ServiceTypeInput {
        name: st.name,
        names: detail.names,
        description: st.description,
        duration_minutes: st.duration.minutes().to_string(),
        required_skills: st
            .required_skills
            .iter()
            .map(|s| (s.characteristic_id, s.rating.get().to_string()))
            .collect(),
        self_scheduling: st.self_scheduling,
        retired: !st.active,
    }
}
