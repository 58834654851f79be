//! Rebuilds this crate when a locale file is added or removed. `static_loader!` lists the
//! `.ftl` files when it expands and `include_str!`s each, so cargo tracks edits to existing
//! files but not a new file in `locales/`: without this, a new area's messages would be
//! missing ("Unknown localization key") until something else touched the crate.

fn main() {
    println!("cargo::rerun-if-changed=locales");
}
