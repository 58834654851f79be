# Book on behalf of a customer (crates/onsite-web/src/staff/bookings.rs,
# templates/staff/booking_*.html): a dispatcher takes a phone order. "Book a new appointment" is
# the customers' own name for booking; staff book one "for a customer".

staff-booking-nav = Book for a customer
staff-booking-title = Book a new appointment for a customer
staff-booking-title-for = Book a new appointment for { $account }
staff-booking-account-link = Book a visit for this customer
staff-booking-change-account = Choose another customer
staff-booking-account-inactive-note = This account is inactive: no visit can be booked for it until it is reactivated.
staff-booking-asset-label = Asset (optional)
staff-booking-asset-none = No particular asset
staff-booking-asset-hidden = hidden from the customer
staff-booking-service-type-label = Service type
staff-booking-service-type-choose = Choose a service type
staff-booking-staff-only = staff only
staff-booking-show-days = Show the free days
staff-booking-same-as-customer = These are the days and times the customer would see, with the technicians who could come, closest first.
staff-booking-technicians-of-slot = Who could come
staff-booking-candidate = { $name }: { $minutes } min drive { $from ->
    [home] from home
   *[visit] from the previous visit
}, { $km } km
staff-booking-engine-choice = best placed
staff-booking-technician-label = Technician
staff-booking-technician-best = The best placed technician of the chosen time (recommended)
staff-booking-technician-hint = Choose someone only to override the engine: they must be among those listed for the chosen time.
staff-booking-comments-label = Comments for the technician (optional)
staff-booking-book = Book for the customer
staff-booking-booked = Booked. The customer's confirmation, with the calendar invitation, is on its way by email.
staff-booking-booked-no-email = Booked. Nobody at this account receives booking emails: tell the customer the time yourself.
staff-booking-visit-title = Appointment booked for { $account }
staff-booking-label-account = Customer
staff-booking-label-address = Address
staff-booking-book-another = Book another appointment for this customer
staff-booking-back-to-account = Back to the customer

## Refusals (also the JSON API's messages).
staff-booking-account-unknown = That account does not exist: choose the customer again.
staff-booking-service-type-unknown = This service type does not exist or is retired: choose another one.
staff-booking-asset-unknown = This asset is not one of this customer's: choose one of theirs, or none.
staff-booking-technician-unknown = This technician does not exist: choose one of those listed for the chosen time.
staff-booking-technician-not-a-user = This resource is not a person: only a technician can be booked for a visit.
staff-booking-technician-inactive = This technician is inactive: choose one of those listed for the chosen time.
staff-booking-technician-outside-territory = This technician does not serve the customer's territory: choose one of those listed for the chosen time.
staff-booking-technician-missing-skills = This technician lacks a skill this visit needs, or its minimum rating: choose one of those listed for the chosen time.
staff-booking-technician-busy = This technician is not free at that time, counting the drives before and after: choose one of those listed for the chosen time.
staff-booking-choose-time = Choose a time for the visit.
staff-booking-label-service-type = Service type
staff-booking-label-state = State
staff-booking-not-served = No technician serves this customer's address for this service: check the account's territory, or the skills this service type and asset need.
