# The web shell: layout, home page, language switcher, error pages (crate onsite-web).

## Layout
web-skip-to-content = Skip to main content
web-nav-label = Main
web-nav-home = Onsite home
web-nav-sign-in = Sign in
web-language-label = Language
web-language-apply = Change language
web-footer-tagline = Onsite — book, follow and rate your service visits.
web-network-error = The server could not be reached. Check your connection and try again.

## Home page
web-home-title = Your service visits
web-home-heading = Your service visits, in your hands
web-home-lead = Onsite is the customer portal of your service company. Book a technician visit at a time that suits you, follow the technician on the way, and tell us how it went.
web-home-redeem = Redeem invitation
web-home-invitation-hint = New here? Your service company sent you an invitation email with a code: choose Redeem invitation to create your account.
web-home-features-heading = What you can do
web-home-book-title = Book a new appointment
web-home-book-text = Choose your equipment and the service you need, pick a day, and see the available time slots at once. A qualified technician is assigned to your visit.
web-home-modify-title = Modify or cancel
web-home-modify-text = Reschedule a scheduled visit to another day and time, or choose Cancel appointment and tell us why.
web-home-track-title = Track my technician
web-home-track-text = When your technician is on the way, View Live Map shows where they are and when they will arrive.
web-home-feedback-title = Send Feedback
web-home-feedback-text = Rate a completed visit and leave a comment, so the next one is even better.
web-home-records-title = Your records
web-home-records-text = See the agreements, assets, work orders and invoices your service company shares with you, and approve estimates and renewals.
web-home-partners-title = For partners
web-home-partners-text = Partners receive the opportunities that fit them, distributed fairly, and work them through to won or lost.

## Errors
web-error-title-not-found = Page not found
web-error-title-forbidden = Not allowed
web-error-title-server = Something went wrong
web-error-title-request = This request could not be handled
web-error-not-found = There is no page at this address. It may have moved, or the link may be mistyped.
web-error-bad-request = The request could not be understood. Go back, check what you entered and try again.
web-error-invalid = This value is not valid.
web-error-cross-site = This form was sent from another website, so it was refused. Open Onsite directly and try again.
web-error-forbidden = You are not allowed to do this.
web-error-conflict = This conflicts with something that already exists. Reload the page and try again.
web-error-unavailable = Onsite cannot answer right now. Please try again in a moment.
web-error-internal = An unexpected error occurred on our side. It has been recorded.
web-error-method-not-allowed = This address does not accept this kind of request.
web-error-payload-too-large = What you sent is too large.
web-error-too-many-requests = Too many attempts. Please wait a moment and try again.
web-error-server-hint = If it happens again, contact your service company and give them the request id below.
web-error-home-link = Go to the home page
web-error-request-id = Request id:

## Validation reasons (onsite-domain's InvalidInput reason codes: invalid-<reason>)
invalid-required = This field is required.
invalid-too-long = This is too long.
invalid-control-characters = This contains characters that are not allowed.
invalid-out-of-range = This value is out of range.
invalid-unknown = This value is not one we know.
invalid-email = This is not a valid email address.
invalid-phone = This is not a valid phone number.
invalid-time-zone = This is not a known time zone.
invalid-currency = This is not a known currency.
invalid-too-few-vertices = An area needs at least three points.
invalid-start-before-end = The start must be before the end.
