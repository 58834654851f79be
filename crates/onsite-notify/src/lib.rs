//! Onsite email: rendering localized messages and delivering them from the outbox.
