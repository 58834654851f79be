# The catalogue pages of the back office (crate onsite-web, staff/catalog.rs; onsite-app catalog.rs).

catalog-nav = Catalogue
catalog-nav-label = Catalogue sections
catalog-code-label = Code
catalog-code-is = Code { $code }
catalog-name-label = Name
catalog-status-label = Status
catalog-active = Offered
catalog-retired = Retired
catalog-create-button = Create
catalog-rename-button = Rename
catalog-retire-button = Retire
catalog-retire-help = A retired entry stays on everything that uses it and is no longer offered for new ones.
catalog-restore-button = Restore
catalog-notice-created = Created.
catalog-notice-saved = Saved.
catalog-notice-retired = Retired: it is no longer offered.
catalog-notice-restored = Restored: it is offered again.
catalog-error-taken = Another entry has this already: choose another.
catalog-error-changed = Someone else saved this in the meantime. The form now shows their version: make your change again.

catalog-skills-title = Skills
catalog-skills-intro = The characteristics technicians have and service types and assets require, each rated from 1 (basic) to 10 (expert).
catalog-skills-new = New skill
catalog-skills-none = No skills yet.
catalog-skills-scale = Rated from 1 (basic) to 10 (expert).

catalog-products-title = Products
catalog-products-intro = What partners sell; opportunities name the products they are about.
catalog-products-new = New product
catalog-products-none = No products yet.

catalog-lead-types-title = Lead types
catalog-lead-types-intro = The kinds of lead partners take (the code is what partner profiles and opportunities store).
catalog-lead-types-new = New lead type
catalog-lead-types-none = No lead types yet.

catalog-save-button = Save
catalog-service-types-title = Service types
catalog-service-types-intro = What customers book and staff schedule: how long a visit takes and the skills it needs. A retired service type is no longer offered; visits keep theirs.
catalog-service-types-new = New service type
catalog-service-types-none = No service types yet.
catalog-service-type-duration = Duration
catalog-service-type-minutes = { $minutes } min
catalog-service-type-booking = Booking
catalog-service-type-self-scheduling = Customers book online
catalog-service-type-staff-only = Staff only
catalog-service-type-names = Names in other languages (optional)
catalog-service-type-name-in = Name in { $language }
catalog-service-type-description = Description
catalog-service-type-duration-minutes = Duration of a visit (minutes, 5 to 720)
catalog-service-type-skills = Required skills, each with its minimum rating
catalog-service-type-skill-not-required = Not required
catalog-service-type-skill-at-least = At least { $rating }
catalog-service-type-offer = Offered to customers for self-scheduling
catalog-service-type-retired = Retired (no longer offered for booking)
