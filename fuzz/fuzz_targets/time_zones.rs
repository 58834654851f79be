//! Time zone names (profile, accounts, service locations): a name that parses always resolves
//! to that zone, and its canonical name parses to itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use onsite_domain::time::TimeZoneName;

fuzz_target!(|raw: &str| {
    if let Ok(name) = TimeZoneName::parse(raw) {
        let zone = name.time_zone();
        assert_eq!(
            zone.iana_name(),
            Some(name.as_str()),
            "{raw:?} resolves to itself"
        );
        assert_eq!(TimeZoneName::parse(name.as_str()).as_ref(), Ok(&name));
        // Converting any instant into the zone works.
        let _ = jiff::Timestamp::MAX.to_zoned(zone.clone());
        let _ = jiff::Timestamp::MIN.to_zoned(zone);
    }
});
