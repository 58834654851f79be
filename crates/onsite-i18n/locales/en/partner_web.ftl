# Partner distribution on the web (crates/onsite-web: pages/opportunities.rs, pages/partner.rs,
# api/opportunities.rs): the staff opportunity pages and the explanation, the distribution
# settings, and the partner portal. Criteria, metrics, statuses and stages are in
# distribution.ftl.

## Navigation and confirmations
partner-web-nav-staff-opportunities = Opportunities
partner-web-nav-settings = Distribution settings
partner-web-nav-opportunities = Your opportunities
partner-web-home-card-title = Opportunities
partner-web-home-card-text = Sales opportunities for partners: see why each partner ranks where it does, and distribute them.
partner-web-notice-created = The opportunity is created. Distribute it below.
partner-web-notice-distributed = The opportunity is distributed. The partner is notified by email.
partner-web-notice-settings-saved = The distribution settings are saved.
partner-web-notice-accepted = You accepted the opportunity. It is now in progress.
partner-web-notice-declined = You declined the opportunity. It goes to another partner.
partner-web-notice-stage-saved = The stage is saved.
partner-web-notice-note-added = Your note is added.
partner-web-notice-closed-won = Closed as won. Well done!
partner-web-notice-closed-lost = Closed as lost. It is returned.
partner-web-notice-feedback-added = Your feedback is added.
partner-web-notice-internal-created = Your opportunity is recorded. It is in progress.

## Words shared by the pages
partner-web-age-minutes = { $count ->
        [0] less than a minute
        [one] 1 minute
       *[other] { $count } minutes
    }
partner-web-age-hours = { $count ->
        [one] 1 hour
       *[other] { $count } hours
    }
partner-web-age-days = { $count ->
        [one] 1 day
       *[other] { $count } days
    }
partner-web-age-ago = { $age } old
partner-web-internal = Found by the partner (internal)
partner-web-no-partner = No partner
partner-web-no-products = None
partner-web-came-back = Came back: no partner available
partner-web-came-back-long = { $count ->
        [one] A partner passed on this opportunity and no other partner was available, so it came back to you. Distribute it again when a partner can take it.
       *[other] { $count } partners passed on this opportunity and no other partner was available, so it came back to you. Distribute it again when a partner can take it.
    }
partner-web-coordinates = Coordinates
partner-web-created = Created
partner-web-distributed-at = Distributed
partner-web-accepted-at = Accepted
partner-web-closed-at = Closed
partner-web-back-to-list = Back to the opportunities

## Table columns
partner-web-col-opportunity = Opportunity
partner-web-col-status = Status
partner-web-col-partner = Partner
partner-web-col-revenue = Estimated revenue
partner-web-col-lead-type = Lead type
partner-web-col-age = Age
partner-web-col-expires = Offer expires
partner-web-col-received = Received
partner-web-col-accept-by = Accept by
partner-web-col-rank = Rank
partner-web-col-score = Score
partner-web-col-action = Distribute
partner-web-col-metric = Metric
partner-web-col-value = Value
partner-web-col-weight = Weight
partner-web-col-contribution = Contribution
partner-web-col-basis = Based on
partner-web-col-why-excluded = Why it is not available

## Staff: the list
partner-web-staff-list-title = Opportunities
partner-web-staff-list-intro = Sales opportunities and where each one is: new ones waiting to be distributed, those offered to a partner until it accepts, and those being worked or closed.
partner-web-staff-new-button = New opportunity
partner-web-staff-tabs = Opportunities by status
partner-web-staff-list-empty = Nothing under “{ $status }” at the moment.
partner-web-staff-list-caption = Opportunities: { $status }
partner-web-staff-list-truncated = The { $total } opportunities of this list are too many to show at once: here are the newest.
partner-web-staff-back = Back to the opportunities

## Staff: the opportunity form (and a partner's internal opportunity)
partner-web-staff-new-title = New opportunity
partner-web-staff-new-intro = Describe the lead. Where the customer is decides which partners' territories cover it and how far each partner is.
partner-web-internal-title = New internal opportunity
partner-web-internal-intro = An opportunity your company found itself. It is yours and in progress at once; it does not count against your capacity.
partner-web-form-where = Where the customer is
partner-web-form-where-hint = Give the coordinates of the customer's address, or pick the territory it is in.
partner-web-latitude = Latitude
partner-web-longitude = Longitude
partner-web-territory = Or a point in the territory
partner-web-territory-none = No territory: I gave the coordinates
partner-web-revenue-label = Estimated revenue (CAD)
partner-web-form-create = Create the opportunity
partner-web-invalid-amount = Enter an amount in dollars, for example 12500 or 12,500.50.
partner-web-invalid-latitude = Enter a latitude between -90 and 90, for example 45.52.
partner-web-invalid-longitude = Enter a longitude between -180 and 180, for example -73.58.
partner-web-location-required = Give the coordinates, or pick a territory.
partner-web-territory-no-area = This territory is defined by postal codes only: give the coordinates.

## Staff: one opportunity and the explanation
partner-web-staff-distributed-to = Distributed to { $partner }.
partner-web-staff-offer-expires = The offer expires on { $date } if it is not accepted; it then goes to the next partner.
partner-web-staff-held-by = Partner: { $partner }.
partner-web-explanation-title = Why each partner ranks where it does
partner-web-explanation-counts = { $available ->
        [0] No partner is available.
        [one] One partner is available.
       *[other] { $available } partners are available.
    }
partner-web-explanation-considered = { $considered ->
        [one] One partner was considered.
       *[other] { $considered } partners were considered.
    }
partner-web-explanation-how = Available partners are ranked by their score: the sum over the metrics of value × weight. A positive weight rewards high values, a negative one low values, 0 turns a metric off. History metrics cover the last 180 days and are blended with the average of all partners, so a partner with little history is neither favoured nor starved.
partner-web-explanation-weights-link = Change the weights
partner-web-distribute-top = Distribute to the top partner
partner-web-distribute-this = Distribute to this partner
partner-web-ranked-title = Available partners, best first
partner-web-ranked-none = No partner is available for this opportunity: see why below.
partner-web-why-rank = Why { $partner } ranks
partner-web-why-rank-number = number { $rank }
partner-web-score-caption = The score of { $partner }, metric by metric
partner-web-metric-off = Not counted: its weight is 0.
partner-web-basis-measured = Measured from the partner's address to the customer's.
partner-web-basis-own = Its own: { $own } over { $what }; blended with the average of all partners, { $average }.
partner-web-basis-none = No history yet: the average of all partners, { $average }.
partner-web-count-finished = { $count ->
        [one] 1 finished opportunity
       *[other] { $count } finished opportunities
    }
partner-web-count-closed = { $count ->
        [one] 1 closed opportunity
       *[other] { $count } closed opportunities
    }
partner-web-count-accepted = { $count ->
        [one] 1 accepted opportunity
       *[other] { $count } accepted opportunities
    }
partner-web-count-answers = { $count ->
        [one] 1 offer answered or due
       *[other] { $count } offers answered or due
    }
partner-web-excluded-title = Partners not available
partner-web-excluded-none = Every partner is available.

## Staff: distribution settings (administrators)
partner-web-settings-title = Distribution settings
partner-web-settings-intro = How opportunities are distributed to partners: the weight of each ranking metric, whether new opportunities are distributed automatically, and how long a partner has to accept one.
partner-web-settings-weights = Ranking weights
partner-web-settings-weights-hint = A positive weight rewards high values, a negative weight low values; 0 turns the metric off.
partner-web-settings-distribution = Distribution
partner-web-settings-automatic = Distribute new opportunities automatically
partner-web-settings-automatic-hint = New opportunities go at once to the top-ranked available partner; those nobody can take are tried again regularly.
partner-web-settings-accept-hours = Hours a partner has to accept an opportunity
partner-web-settings-range = Between { $min } and { $max }
partner-web-settings-range-whole = A whole number from { $min } to { $max }
partner-web-settings-on-off = On or off
partner-web-settings-on = on
partner-web-settings-off = off
partner-web-settings-default = default { $value }
partner-web-settings-save = Save the settings

## The partner portal
partner-web-portal-title = Your opportunities
partner-web-portal-intro = The sales opportunities distributed to your company. Accept or decline new ones before the time to accept runs out, then work them through the stages and close them won or lost.
partner-web-portal-tabs = Your opportunities by state
partner-web-portal-empty = Nothing under “{ $tab }” at the moment.
partner-web-portal-caption = Your opportunities: { $tab }
partner-web-my-metrics-title = Your metrics
partner-web-my-metrics-intro = Over the last { $days } days. Opportunities are distributed to partners by these metrics, among others.
partner-web-my-none = No history yet
partner-web-my-rate = { $value } ({ $num } of { $what })
partner-web-my-days = { $value } (over { $what })
partner-web-offer-title = Accept or decline
partner-web-offer-intro = Accept it by { $date }, or it goes to another partner.
partner-web-accept = Accept
partner-web-decline-reason = Why you decline it
partner-web-decline = Decline
partner-web-work-title = Work the opportunity
partner-web-stage-save = Save the stage
partner-web-note-add = Add the note
partner-web-won-title = Won
partner-web-lost-title = Lost (returned)
partner-web-feedback-optional = Feedback (optional)
partner-web-lost-reason = Why it was lost
partner-web-close-won = Close as won
partner-web-close-lost = Close as lost
partner-web-feedback-title = Feedback
partner-web-feedback-add = Add the feedback
partner-web-history-title = History
partner-web-history-none = Nothing happened yet.
partner-web-contributions-chart-title = Each partner's score, as the contributions of its metrics (right: raise it; left: lower it)
