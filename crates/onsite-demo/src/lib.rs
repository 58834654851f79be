//! Onsite's deterministic demo city.
