# The partner pages of the back office (crate onsite-web, staff/partners.rs; onsite-app
# partners.rs) and the audit log's words for partner profiles.

partners-title = Partners
partners-intro = Partner accounts and their distribution profiles: an opportunity is offered to a partner only while it has room (open opportunities below its capacity), the estimated revenue is within its range, the customer's address is in one of its territories, and it works the lead type and covers every product.
partners-new-account = New partner account
partners-none = No partner accounts yet.
partners-name-column = Partner
partners-revenue-column = Revenue range
partners-no-profile = No distribution profile yet: no opportunity is offered to it.

partner-account-link = Account page
partner-inactive = Inactive account: no opportunity is offered to it.
partner-profile-heading = Distribution profile
partner-profile-intro = What the distribution engine checks before offering this partner an opportunity. A change counts from the next distribution on.
partner-profile-none = This partner has no distribution profile yet: no opportunity is offered to it until one is saved.
partner-capacity-label = Capacity (open opportunities at once)
partner-revenue-min-label = Smallest estimated revenue ($)
partner-revenue-max-label = Largest estimated revenue ($)
partner-territories-legend = Territories
partner-territories-none = No territories yet.
partner-lead-types-legend = Lead types
partner-lead-types-none = No lead types in the catalogue yet.
partner-products-legend = Products
partner-products-none = No products in the catalogue yet.
partner-save-button = Save profile
partner-error-changed = Someone else saved this partner's profile in the meantime. The form now shows their version: make your change again.

invalid-below-minimum = This is below the smallest amount.

audit-kind-partner_profile = Partner profile
audit-action-partner_profile-update = Edited a partner's distribution profile

# The opportunity form (staff's new opportunity, a partner's internal one).
partner-web-lead-type-choose = Choose a lead type
