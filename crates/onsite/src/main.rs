//! The `onsite` binary.
fn main() {}
