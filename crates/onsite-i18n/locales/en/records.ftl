# Customer records: agreements, assets, work orders, invoices, approvals (SPEC §8, issue 6).
# crates/onsite-app/src/records*, crates/onsite-notify/src/record_emails.rs.

## Numbers and money

# An amount in an invoice's currency: "CAD 1,234.56".
records-money = { $currency } { $amount }
records-percent = { $value }%

## Navigation and titles

records-nav-field-service = Field Service
records-nav-agreements = Agreements
records-nav-assets = Assets
records-nav-work-orders = Work Orders
records-nav-invoices = Invoices
records-asset-tree = Tree view
records-asset-list = List view
records-print = Print
records-back-to-list = Back to the list

## Lists

records-search-label = Search
records-search-placeholder = Number, name, product or serial number
records-search-button = Search
records-filter-label = Show
records-sort-label = Sort by
records-order-asc = Ascending
records-order-desc = Descending
records-page-next = Next
records-page-prev = Previous
records-empty = Nothing to show here.
records-empty-search = Nothing matches “{ $search }”.
records-see-all = See all

records-filter-agreements-active = Active
records-filter-agreements-expired = Expired
records-filter-agreements-all = All Agreements
records-filter-agreements-awaiting-approval = Awaiting approval
records-filter-work-orders-active = Active
records-filter-work-orders-inactive = Inactive
records-filter-work-orders-all = All Work Orders
records-filter-work-orders-awaiting-approval = Awaiting approval
records-filter-assets-all = All Assets
records-filter-assets-top-level = Top-level assets
records-filter-invoices-active = Active
records-filter-invoices-inactive = Inactive
records-filter-invoices-all = All Invoices

records-sort-agreements-number = Number
records-sort-agreements-name = Name
records-sort-agreements-ends = End date
records-sort-work-orders-number = Number
records-sort-work-orders-opened = Date opened
records-sort-work-orders-status = Status
records-sort-assets-name = Name
records-sort-assets-product = Product
records-sort-assets-added = Date added
records-sort-invoices-number = Number
records-sort-invoices-issued = Invoice date
records-sort-invoices-due = Due date
records-sort-invoices-status = Status

## Columns and fields

records-col-number = Number
records-col-name = Name
records-col-status = Status
records-col-account = Account
records-col-period = Period
records-col-starts = Start date
records-col-ends = End date
records-col-description = Description
records-col-summary = Summary
records-col-service-type = Service type
records-col-asset = Asset
records-col-agreement = Agreement
records-col-work-order = Work order
records-col-bookings = Bookings
records-col-opened = Opened
records-col-product = Product
records-col-serial = Serial number
records-col-parent = Parent asset
records-col-master = Master asset
records-col-components = Components
records-col-issued = Invoice date
records-col-due = Due date
records-col-currency = Currency
records-col-quantity = Quantity
records-col-unit-price = Unit price
records-col-tax-rate = Tax rate
records-col-net = Net
records-col-tax = Tax
records-col-total = Total
records-col-exposed = Expose to Customer
records-period = { $start } to { $end }
records-none = —

## Statuses

records-work-order-status-estimate-pending = Estimate pending approval
records-work-order-status-unscheduled = Unscheduled
records-work-order-status-scheduled = Scheduled
records-work-order-status-in-progress = In progress
records-work-order-status-completed = Completed
records-work-order-status-posted = Posted
records-work-order-status-canceled = Canceled
records-agreement-status-draft = Draft
records-agreement-status-active = Active
records-agreement-status-renewal-pending = Renewal pending approval
records-agreement-status-expired = Expired
records-agreement-status-canceled = Canceled
records-invoice-status-draft = Draft
records-invoice-status-issued = Issued
records-invoice-status-paid = Paid
records-invoice-status-canceled = Canceled
records-visit-state-scheduled = Scheduled
records-visit-state-traveling = On the way
records-visit-state-in-progress = In progress
records-visit-state-completed = Completed
records-visit-state-canceled = Canceled

## Detail pages

records-section-details = Details
records-section-covers = What it covers
records-section-covered-assets = Assets
records-section-covered-services = Services
records-section-visits = Visits
records-section-work-orders = Work orders
records-section-invoices = Invoices
records-section-history = History
records-section-components = Components
records-section-lines = Lines
records-section-taxes = Taxes
records-section-totals = Totals
records-section-decisions = Decisions
records-covers-none = No work orders under this agreement yet.
records-no-visits = No visits yet.
records-tax-row = Tax at { $rate }
records-total-net = Subtotal
records-total-tax = Taxes
records-total-gross = Total
records-invoice-print-title = Invoice { $number }

records-history-opened = Work order opened
records-history-status = Status changed from { $from } to { $to }
records-history-status-set = Status set to { $to }
records-history-approved = Estimate approved
records-history-rejected = Estimate rejected
records-history-exposed = Shown to the customer
records-history-hidden = Hidden from the customer
records-history-edited = Details edited
records-history-visit-booked = Visit booked
records-history-visit = Visit: { $state }
records-history-by = by { $name }

## Approvals

records-approval-estimate-waiting = This estimate waits for your approval.
records-approval-renewal-waiting = The renewal of this agreement waits for your approval. Approved, it runs from { $start } to { $end }.
records-approve = Approve
records-reject = Reject
records-comment-label = Comment
records-comment-hint = Required to reject.
records-decided-approved = Approved by { $name } on { $date }
records-decided-rejected = Rejected by { $name } on { $date }
records-done-estimate-approved = Estimate approved. The service company has been told.
records-done-estimate-rejected = Estimate rejected. The service company has been told.
records-done-renewal-approved = Renewal approved: the agreement now runs until { $date }.
records-done-renewal-rejected = Renewal rejected. The agreement stays active until it ends.

## Staff

records-staff-new-agreement = New agreement
records-staff-new-asset = New asset
records-staff-new-work-order = New work order
records-staff-new-invoice = New invoice
records-staff-edit = Edit
records-staff-save = Save
records-staff-expose = Expose to Customer
records-staff-hide = Hide from customer
records-staff-saved = Saved.
records-staff-add-line = Add a line
records-staff-number-hint = Leave blank to number it automatically.

## Errors

records-error-not-found = This record does not exist, or is not shared with you.
records-error-not-allowed = Your role does not allow this.
records-error-changed = This record changed since you opened it. Look at it again, then decide.
records-error-already-decided = A decision on this was already recorded.
records-error-not-pending = Nothing waits for a decision here any more.
records-error-number-taken = Another record already has this number.
records-error-cursor = This page link is no longer valid. Start again from the first page.
records-error-list-option = This list cannot be shown that way.
records-error-search-too-long = Search for at most 100 characters.
records-error-comment-required = Please say why you reject it.
records-error-comment-too-long = The comment is too long (2,000 characters at most).
records-error-number-required = Enter a number.
records-error-number = The number must be one line of at most 40 characters.
records-error-name-required = Enter a name.
records-error-name = Names, products and serial numbers are one line of at most 200 characters.
records-error-text-too-long = The text is too long.
records-error-status = Choose a status from the list.
records-error-date = Enter the date as YYYY-MM-DD.
records-error-date-order = The end date cannot be before the start date.
records-error-account = Choose a customer account.
records-error-parent-cycle = An asset cannot be a component of itself or of one of its components.
records-error-reference = The linked record must exist and belong to the same account.
records-error-currency = Enter a three-letter currency code, such as CAD.
records-error-lines = Too many lines (200 at most).
records-error-line = Each line needs a description, a quantity above zero, a unit price in the invoice's currency and a tax rate from 0 to 100 %.
records-error-invalid = Some of what you entered is not valid.

## Email to the staff about a decision

records-email-subject-estimate-approved = Estimate approved: { $number } ({ $account })
records-email-subject-estimate-rejected = Estimate rejected: { $number } ({ $account })
records-email-subject-renewal-approved = Renewal approved: { $number } ({ $account })
records-email-subject-renewal-rejected = Renewal rejected: { $number } ({ $account })
records-email-intro-estimate-approved = { $name } approved the estimate of work order { $number } for { $account }.
records-email-intro-estimate-rejected = { $name } rejected the estimate of work order { $number } for { $account }.
records-email-intro-renewal-approved = { $name } approved the renewal of agreement { $number } for { $account }.
records-email-intro-renewal-rejected = { $name } rejected the renewal of agreement { $number } for { $account }.
records-email-outcome-estimate-approved = The work order is now unscheduled: it can be booked.
records-email-outcome-estimate-rejected = The work order is canceled.
records-email-outcome-renewal-approved = The agreement is renewed until { $date }.
records-email-outcome-renewal-rejected = The agreement is not renewed: it stays active until it ends.
records-email-greeting = Hello { $name },
records-email-greeting-anonymous = Hello,
records-email-label-work-order = Work order
records-email-label-agreement = Agreement
records-email-label-title = About
records-email-label-account = Customer
records-email-label-decided-by = Decided by
records-email-label-decided-at = When
records-email-line = { $label }: { $value }
records-email-comment = Their comment:
records-email-action = Open the record:
records-email-button = Open the record
