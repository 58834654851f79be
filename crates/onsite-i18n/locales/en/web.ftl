# The web shell: layout, home page, language switcher, error pages (crate onsite-web).

## Layout
web-skip-to-content = Skip to main content
web-nav-sections = Sections
web-nav-label = Main
web-nav-home = Onsite home
web-nav-sign-in = Sign in
web-nav-sign-out = Sign out
web-nav-signed-in-as = Signed in as
web-nav-profile = Profile
web-nav-users = Users and roles
web-nav-mailbox = Mailbox
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
web-error-csrf = This form has expired or was not sent from Onsite, so it was refused. Reload the page and try again.
web-error-unauthorized = Sign in to do this.
web-error-forbidden = You are not allowed to do this.
web-error-conflict = This conflicts with something that already exists. Reload the page and try again.
web-error-unavailable = Onsite cannot answer right now. Please try again in a moment.
error-internal = An unexpected error occurred on our side. It has been recorded.
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
invalid-not-a-number = This is not a number.

## Signed-in home
web-home-welcome = Welcome, { $name }
web-home-welcome-lead = Here is what you can do in the portal.
web-home-card-appointments-title = Your appointments
web-home-card-appointments-text = Book a new appointment, modify or cancel one, and follow your technician on the day: it all happens here on the home page.
web-home-card-records-title = Your records
web-home-card-records-text = The agreements, assets, work orders and invoices your service company shares with you.
web-home-card-opportunities-title = Your opportunities
web-home-card-opportunities-text = The opportunities distributed to your company, to accept and work through to won or lost.
web-home-card-day-title = Your day
web-home-card-day-text = Today's visits in order, and their states as you work.
web-home-card-mailbox-title = Mailbox
web-home-card-mailbox-text = Every email the portal sends: read them, and retry those that failed.
web-home-card-users-title = Users and roles
web-home-card-users-text = Everyone who can sign in, and what their roles let them do.
web-home-card-profile-title = Your profile
web-home-card-profile-text = Your name, phone, language, time zone, notifications, password and linked accounts.

## Landing page: who goes where
web-home-who-heading = Who uses Onsite
web-home-who-customers = Customers
web-home-who-customers-text = Sign in to book and follow your visits. First time? Choose Redeem invitation and enter the code from your invitation email.
web-home-who-records = Customer reviewers and approvers
web-home-who-records-text = Sign in to see your agreements, assets, work orders and invoices, and to approve estimates and renewals.
web-home-who-partners = Partners
web-home-who-partners-text = Sign in to see the opportunities distributed to your company.
web-home-who-technicians = Technicians
web-home-who-technicians-text = Sign in to see your day and share your position while travelling.
web-home-who-staff = Dispatchers and administrators
web-home-who-staff-text = Sign in for the back office: customers, their contacts and invitations, users and roles, and the mailbox.

## Forms
web-form-errors-heading = Please correct the following:

## Staff: contacts, invitations, users
web-staff-contacts-search = Search by account, name or email
web-staff-search-button = Search
web-staff-contacts-none = No account matches.
web-staff-contacts-of = Contacts of { $account }
web-staff-account-customer = Customer account
web-staff-account-partner = Partner account
web-staff-account-inactive = inactive: its contacts cannot be invited
web-staff-account-no-contacts = This account has no contacts.
web-staff-contact-name = Name
web-staff-contact-email = Email
web-staff-contact-status = Portal status
web-staff-contact-actions = Invitation
web-staff-status-none = No invitation
web-staff-status-invited = Invited (expires { $date })
web-staff-status-expired = Invitation expired on { $date }
web-staff-status-redeemed = Invitation redeemed
web-staff-status-account = Has an account ({ $roles })
web-staff-status-auto = Already invited automatically: Invite all contacts skips this address.
web-staff-no-roles = no roles
web-staff-invite-choose-roles = Roles
web-staff-invite = Invite
web-staff-invite-contact = Invite { $name }
web-staff-invite-roles = Roles for { $name }
web-staff-invite-all = Invite all contacts
web-staff-invite-all-of = Invite all contacts of { $account }
web-staff-invite-all-intro = Invites every contact without a portal account whose address was never invited automatically. Addresses invited before are skipped: invite them one by one to send a new code.
web-staff-invite-all-roles = Roles for the new accounts
web-staff-invited-title = Invitation created
web-staff-invited-to = An invitation email is on its way to { $name }:
web-staff-invited-hand-over = This portal sends no email (its mail goes to the embedded mailbox), and the invitation email there shows no code: give { $name } this code yourself. Their address:
web-staff-invited-code = Invitation code:
web-staff-invited-expires = The code works until { $date }.
web-staff-invited-shown-once = The code is shown only this once. Copy it now if you want to give it to the contact another way.
web-staff-invited-old-code = Any earlier code of this contact no longer works.
web-staff-invited-see-email = See the invitation email in the mailbox
web-staff-bulk-title = Invitations for { $account }
web-staff-bulk-invited = { $count ->
    [one] One contact invited.
   *[other] { $count } contacts invited.
}
web-staff-bulk-already-invited = { $count ->
    [one] One contact skipped: already invited automatically before.
   *[other] { $count } contacts skipped: already invited automatically before.
}
web-staff-bulk-have-account = { $count ->
    [one] One contact skipped: already has an account.
   *[other] { $count } contacts skipped: already have an account.
}
web-staff-bulk-no-inboxes = This portal sends no email (its mail goes to the embedded mailbox), so these invitations' codes reached nobody. Invite each contact from their page to see the code and hand it over, or set up SMTP (docs/configuration.md).
web-staff-bulk-see-mailbox = See the invitation emails in the mailbox
web-staff-invite-refused-title = No invitation was created
web-staff-users-title = Users and roles
web-staff-users-intro = Everyone who can sign in. Dispatchers give web roles; administrators also give staff roles.
web-staff-users-search = Search by email or name
web-staff-users-none = No user matches.
web-staff-user-roles = Roles: { $roles }
web-staff-user-disabled = disabled
web-staff-web-roles = Web roles
web-staff-staff-roles = Staff roles
web-staff-save-roles = Save roles
web-staff-new-user = New staff user
web-staff-new-user-intro = Dispatchers run the back office; administrators also manage users and settings. The new user gets an email with a link to choose their password.
web-staff-new-user-name = Name
web-staff-new-user-language = Language of their emails
web-staff-new-user-language-default = The portal's default
web-staff-new-user-button = Create the user
web-staff-send-access = Send a new access link
web-staff-send-access-of = Send a new access link to { $email }
web-staff-disable = Disable
web-staff-disable-of = Disable { $email }
web-staff-enable = Enable
web-staff-enable-of = Enable { $email }
web-staff-save-web-roles-of = Save the web roles of { $email }
web-staff-save-staff-roles-of = Save the staff roles of { $email }
web-staff-pager = Pages
web-staff-previous = Previous page
web-staff-next = Next page
web-staff-page-number = Page { $number }

## Staff: the mailbox
web-mailbox-title = Mailbox
web-mailbox-intro = Every email the portal sends, newest first: invitations, password resets, appointment messages. Reset links and invitation codes are for their recipients only: they are never shown here.
web-mailbox-count-pending = { $count } waiting
web-mailbox-count-sent = { $count } sent
web-mailbox-count-failed = { $count } failed
web-mailbox-filter-status = Status
web-mailbox-filter-any = Any status
web-mailbox-filter-recipient = Recipient
web-mailbox-filter-apply = Filter
web-mailbox-filter-clear = Show all messages
web-mailbox-empty = No message.
web-mailbox-col-subject = Subject
web-mailbox-col-recipient = To
web-mailbox-col-status = Status
web-mailbox-col-created = Created
web-mailbox-status-pending = Waiting
web-mailbox-status-sent = Sent
web-mailbox-status-failed = Failed
web-mailbox-attachments-count = { $count ->
    [one] one attachment
   *[other] { $count } attachments
}
web-mailbox-older = Older messages
web-mailbox-back = Back to the mailbox
web-mailbox-sent-at = Sent
web-mailbox-attempts = Delivery attempts
web-mailbox-next-attempt = Next attempt
web-mailbox-last-error = Last error
web-mailbox-language = Language
web-mailbox-retry = Retry now
web-mailbox-notice-retried = The message will be sent again now.
web-mailbox-already-sent = This message was sent already; it is never sent twice.
web-mailbox-attachments = Attachments
web-mailbox-bytes = { $count } bytes
web-mailbox-text = Text
web-mailbox-html = As the recipient sees it
web-mailbox-html-frame = The email as HTML
web-mailbox-secret-hidden = [hidden: a one-time secret for the recipient only]
web-mailbox-secret-awaiting = This message carries a one-time secret (a password-reset link or an invitation code) for its recipient only. It is hidden here, and erased once the message is delivered.
web-mailbox-secret-erased-smtp = This message carried a one-time secret (a password-reset link or an invitation code) for its recipient only. It went to the recipient's mail server and was not kept.
web-mailbox-secret-erased-mailbox = This message carried a one-time secret (a password-reset link or an invitation code) for its recipient only. The mailbox delivers email to no one, so the secret was not kept and nobody can read it: password resets and emailed invitations need SMTP to be set up.
web-mailbox-secret-erased-unsent = This message carried a one-time secret (a password-reset link or an invitation code) for its recipient only. It was not delivered, and the secret is not kept: ask for a new reset link, or invite the person again.
web-mailbox-secret-gone = This message's one-time secret is not kept, so it cannot be sent again: ask for a new reset link, or invite the person again.

## The scheduling settings page (administrators).
web-scheduling-settings-title = Scheduling settings
web-scheduling-settings-intro = How customers book online and how travel between visits is estimated. A change applies to the very next search for free times, on every server.
web-scheduling-settings-legend = Self-scheduling
web-scheduling-settings-nav = Scheduling
web-scheduling-settings-save = Save the settings
web-notice-settings-saved = The settings are saved.
web-setting-scheduling-enabled = Customers book online (self-scheduling)
web-setting-scheduling-slot_minutes = Time between offered start times (minutes)
web-setting-scheduling-arrival_window_minutes = Arrival window shown to customers (minutes; 0: the exact time)
web-setting-scheduling-horizon_days = How far ahead customers can book (days)
web-setting-scheduling-lead_time_minutes = Shortest notice for a booking (minutes)
web-setting-scheduling-travel_speed_kmh = Average travel speed (km/h)
web-setting-scheduling-travel_road_factor = Road distance over straight-line distance
web-setting-identity-invitation_days = How long an invitation code works (days)

## A place picked on a map (map_point.html)
map-point-hint = Click the map or drag the marker, or type the coordinates (decimal degrees).
map-point-latitude = Latitude
map-point-longitude = Longitude
