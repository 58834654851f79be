# The emails about a customer's visit (crates/onsite-notify/src/booking_emails.rs and
# templates/email/booking-*). Shared parts first, then one group per email.

booking-email-greeting = Hello { $name },
booking-email-greeting-anonymous = Hello,
# One line of the visit's details: "Technician: Ana Silva".
booking-email-line = { $label }: { $value }
booking-email-label-date = Date
booking-email-label-arrival = Arrival
booking-email-label-service = Service
booking-email-label-asset = Equipment
booking-email-label-technician = Technician
booking-email-label-address = Address
booking-email-label-work-order = Work order
booking-email-label-comments = Your comments
booking-email-arrival-window = between { $start } and { $end }
booking-email-manage = See, reschedule or cancel your appointment in the portal:
booking-email-manage-button = See my appointment
booking-email-calendar-note = The attached invitation adds the visit to your calendar.
# The title of the visit in the customer's calendar.
booking-ics-summary = Service visit: { $service }

## Booked.

booking-confirmed-subject = Your visit is booked: { $service }, { $date }
booking-confirmed-heading = Your visit is booked
booking-confirmed-intro = Thank you. A technician will come to you at the time below.
booking-confirmed-change = You can reschedule or cancel it in the portal until the technician sets out:

## Rescheduled.

booking-rescheduled-subject = Your visit has moved to { $date }
booking-rescheduled-heading = Your visit has a new time
booking-rescheduled-intro = Your visit, planned for { $previous }, now takes place at the time below.
booking-rescheduled-calendar = The attached invitation updates the visit in your calendar.

## Canceled.

booking-canceled-subject = Your visit of { $date } is canceled
booking-canceled-heading = Your visit is canceled
booking-canceled-intro = The visit below is canceled: nobody will come.
booking-canceled-reason = Reason
booking-canceled-calendar = The attached cancellation removes the visit from your calendar.
booking-canceled-book-again = Need a visit after all? Book a new appointment in the portal:
booking-canceled-button = Book a new appointment

## Nobody can make the visit at its time any more (background reassignment).

booking-new-time-subject = Please choose a new time for your visit of { $date }
booking-new-time-heading = Please choose a new time
booking-new-time-intro = The technician planned for your visit is no longer available at that time, and no other technician is free then. Until you choose a new time, your appointment stays as it is.
booking-new-time-action = Choose a new time in the portal:
booking-new-time-button = Choose a new time
booking-new-time-sorry = We are sorry for the inconvenience.
