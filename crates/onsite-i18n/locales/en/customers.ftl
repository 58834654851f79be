# Customers in the back office: accounts, their contacts and invitations (/staff/accounts).
customers-nav = Customers
customers-title = Customers
customers-intro = Customer and partner accounts with their contacts, and where each contact stands with the portal. Open an account to edit it, add a contact, or deactivate it; open a contact to edit it, see its invitations or revoke one.
customers-home-card-title = Customers
customers-home-card-text = Customer and partner accounts and their contacts: add and edit them, invite contacts to the portal, follow their invitations.
customers-new-customer = New customer account
customers-new-partner = New partner account
customers-filter-kind = Kind
customers-filter-any-kind = Customers and partners
customers-filter-status = Status
customers-filter-active = Active
customers-filter-inactive = Inactive
customers-filter-all = Active and inactive
customers-territory-is = Territory: { $territory }
customers-no-territory = No territory covers this address
customers-active = Active
customers-inactive = Inactive
customers-save = Save
customers-back-to-contact = Back to the contact
customers-back-to-account = Back to the account

## An account
customers-new-account = New account
customers-account-details = Account
customers-account-kind = Kind
customers-account-kind-help = Customers book visits; partners receive opportunities. The kind cannot change later.
customers-account-name = Name
customers-account-address = Service address
customers-account-address-line = Street address
customers-account-city = City
customers-account-postal-code = Postal code
customers-account-country = Country (two letters: CA, US, FR…)
customers-account-location = Location of the service address
customers-account-time-zone = Time zone
customers-account-time-zone-choose = Choose the address's time zone
customers-account-notes = Notes
customers-account-territory-help = The account's territory follows its address: each save gives it the first territory whose postal-code prefixes or area cover it.
customers-create-account = Create the account
customers-account-deactivate-help = A deactivated account keeps its history, but no visit is booked or moved for it, its contacts cannot be invited, and their invitation codes do not work while it stays inactive.
customers-deactivate-account = Deactivate the account
customers-account-inactive-help = This account is inactive. Reactivate it to book visits for it and invite its contacts again.
customers-activate-account = Reactivate the account
customers-contacts = Contacts
customers-new-contact = New contact
customers-new-contact-of = New contact of { $account }
customers-contact-inactive-mark = inactive

## A contact
customers-contact-details = Contact
customers-contact-first-name = First name
customers-contact-last-name = Last name
customers-contact-phone = Phone
customers-contact-language = Language of their emails
customers-contact-roles-help = What the contact may do in the portal. With a portal account, saving changes its roles at once; without one, these are the roles its next invitation offers.
customers-create-contact = Create the contact
customers-contact-deactivate-help = A deactivated contact keeps its history, but cannot be invited: its pending invitations are revoked, and its portal account is disabled and signed out everywhere.
customers-deactivate-contact = Deactivate the contact
customers-contact-inactive-help = This contact is inactive. Reactivating it enables its portal account again.
customers-activate-contact = Reactivate the contact
customers-status-revoked = Invitation revoked
customers-portal-none = No portal account
customers-portal-invited = Invited, not yet redeemed
customers-portal-user-disabled = Has an account, disabled ({ $roles })
customers-not-invitable = No invitation can be sent: the contact already has a portal account, or the contact or its account is inactive.

## A contact's invitations
customers-invitations = Invitations
customers-invitations-none = No invitation yet.
customers-invitation-created = Created
customers-invitation-expires = Expires
customers-invitation-roles = Roles
customers-invitation-state = State
customers-invitation-pending = Pending
customers-invitation-redeemed = Redeemed
customers-invitation-expired = Expired
customers-invitation-revoked = Revoked
customers-revoke = Revoke
customers-revoke-of = Revoke the invitation of { $date }

## Confirmations
customers-notice-account-created = Account created.
customers-notice-saved = Saved.
customers-notice-account-deactivated = Account deactivated.
customers-notice-account-activated = Account reactivated.
customers-notice-contact-created = Contact created.
customers-notice-contact-deactivated = Contact deactivated.
customers-notice-contact-activated = Contact reactivated.
customers-notice-invitation-revoked = Invitation revoked: its code no longer works.

## Refusals
customers-error-email-taken = { $contact } of { $account } already has this address: an address belongs to one active contact.
customers-error-email-of-user = Someone else signs in to the portal with this address (a staff user or another contact's portal account).
customers-error-changed = Someone else saved this in the meantime: here is their version. Make your change again if it is still needed.
customers-error-not-pending = This invitation is no longer pending: it was redeemed, revoked or has expired.
customers-contact-inactive = This contact is inactive, so it cannot be invited.
customers-code-withdrawn = This invitation can no longer be used: your service company has closed this account or contact. Ask them if you need access.
customers-booking-account-inactive = This account is inactive: no visit can be booked or moved for it. Please contact us.
invalid-country = Type the two-letter country code (CA, US, FR…).
invalid-postal-code = A postal code holds only letters, digits, spaces and dashes.
