# Self-scheduling (crates/onsite-app/src/booking.rs, reassign.rs): what a refused request tells
# the person. `BookingError::message_id` picks the message.

booking-not-found = This appointment or item was not found.
booking-not-allowed = You are not allowed to do this.
booking-disabled = Booking online is turned off for now. Please contact us to book a visit.
booking-too-soon = This time is too soon to book. Please choose a later time.
booking-outside-horizon = This day cannot be booked yet. Please choose an earlier day.
booking-not-a-slot = This is not one of the times offered. Please choose a time from the list.
booking-slot-taken = This time was just taken. Please choose another time.
booking-not-modifiable = This appointment can no longer be changed: the technician is on the way, at work, or the visit is over.
booking-changed = This appointment was just changed by someone else. Please look at it again.
booking-already-traveling = You are already on the way to another visit: stop that travel first, or go to this visit instead.
booking-undo-too-late = Travel started more than 5 minutes ago: it can no longer be undone here. Ask a dispatcher.
booking-reason-required = Please tell us why you are canceling.
booking-reason-too-long = The reason is too long.
booking-comments-too-long = The comments are too long.
booking-note-too-long = The note is too long.
booking-account-required = Choose the customer account the visit is for.
booking-time-off-order = The time off must end after it starts.
booking-unknown-reference = A territory or skill chosen does not exist.
booking-invalid-input = Some of what you entered is not valid.
