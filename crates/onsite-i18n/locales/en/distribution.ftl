# Partner distribution (SPEC §9): the staff distribution page, the partner portal and their
# errors (crates/onsite-app/src/distribution). Criteria and metrics follow onsite-distribute's
# Criterion::as_str / Metric::as_str with "_" written "-".

## Why a partner is not available for an opportunity.

distribution-criterion-passed-over = Already declined this opportunity or let it expire.
distribution-criterion-capacity = At capacity: { $open } open { $open ->
        [one] opportunity
       *[other] opportunities
    } of { $capacity }.
distribution-criterion-revenue-below-min = The estimated revenue, { $revenue }, is below its minimum of { $limit }.
distribution-criterion-revenue-above-max = The estimated revenue, { $revenue }, is above its maximum of { $limit }.
# An opportunity's amount (opportunities are in Canadian dollars).
distribution-money = ${ $amount }
distribution-criterion-territory = { $territories ->
        [0] It has no territory.
        [one] Its territory does not cover the customer's address.
       *[other] None of its { $territories } territories covers the customer's address.
    }
distribution-criterion-lead-type = Does not work { $lead_type } leads.
distribution-criterion-missing-product = Does not cover { $product }.

## The ranking metrics and how their values read.

distribution-metric-distance = Distance
distribution-metric-win-rate = Win rate
distribution-metric-return-rate = Return rate
distribution-metric-feedback-rate = Feedback rate
distribution-metric-stall-rate = Stall rate
distribution-metric-touch-rate = Touch rate
distribution-metric-avg-days-to-close = Average time to close
distribution-value-km = { $value } km
distribution-value-percent = { $value } %
distribution-value-days = { $value } days

## Opportunity statuses, sales stages and the partner portal's lists.

distribution-status-new = New
distribution-status-distributed = Distributed
distribution-status-in-progress = In progress
distribution-status-won = Won
distribution-status-lost = Lost (returned)
distribution-stage-qualify = Qualify
distribution-stage-develop = Develop
distribution-stage-propose = Propose
distribution-stage-negotiate = Negotiate
distribution-filter-new = New
distribution-filter-accepted = Accepted
distribution-filter-in-progress = In progress
distribution-filter-closed = Closed
distribution-filter-all = All

## An opportunity's history in the partner portal.

distribution-event-distributed = Given to you
distribution-event-accepted = Accepted
distribution-event-declined = Declined
distribution-event-expired = Expired: not accepted in time
distribution-event-touched = Note
distribution-event-stage = Moved to a new stage
distribution-event-won = Closed won
distribution-event-lost = Closed lost (returned)
distribution-event-feedback = Feedback

## What was attempted, for the "cannot … now" error.

distribution-action-distribute = distribute
distribution-action-accept = accept
distribution-action-decline = decline
distribution-action-set-stage = change the stage of
distribution-action-add-note = add a note to
distribution-action-close = close
distribution-action-add-feedback = add feedback to

## Form fields.

distribution-field-name = Name
distribution-field-customer-name = Customer
distribution-field-postal-code = Postal code
distribution-field-estimated-revenue = Estimated revenue
distribution-field-lead-type = Lead type
distribution-field-products = Products
distribution-field-reason = Reason
distribution-field-note = Note
distribution-field-feedback = Feedback
distribution-field-stage = Stage
distribution-field-filter = List
invalid-lead-type = A lead type cannot contain commas.

## Errors.

distribution-error-not-found = This opportunity does not exist or is not yours.
distribution-error-illegal-move = You cannot { $action } this opportunity now: it is { $status }.
distribution-error-expired = The time to accept this opportunity has passed: it goes to another partner.
distribution-error-unknown-partner = This account is not an active partner that can receive opportunities.
distribution-error-unavailable = This partner is not available for this opportunity: { $reason }
distribution-error-no-partner = No partner is available for this opportunity.
distribution-error-invalid = { $field }: { $reason }
distribution-setting-unknown = { $setting } is not a distribution setting.
distribution-setting-not-bool = { $setting } must be on or off.
distribution-setting-integer-range = { $setting } must be a whole number between { $min } and { $max }.
distribution-setting-decimal-range = { $setting } must be a number between { $min } and { $max }.
