# Self-scheduling pages (crates/onsite-web/src/pages/bookings.rs, templates/home_customer.html,
# templates/bookings/) and the dispatcher's board (pages/dispatch.rs, templates/dispatch/).
# The section and button names are those customers know from the portal we replace: "Book a new
# appointment", "Active appointment", "Upcoming appointments", "Past appointments", "Modify",
# "Cancel appointment", "View Live Map".

## Validation reasons of the booking forms and API (see `WebError::Invalid`).
invalid-date = This is not a valid date (YYYY-MM-DD).
invalid-instant = This is not a valid time.

## Homepage.
bookings-nav-appointments = Your appointments
bookings-home-title = Your appointments
bookings-book-new = Book a new appointment
bookings-home-empty = You have no appointments yet. Book a visit whenever it suits you: a technician comes to you at the time you choose.
bookings-active-heading = Active appointment
bookings-upcoming-heading = Upcoming appointments
bookings-past-heading = Past appointments
bookings-tabs-label = Appointments
bookings-upcoming-empty = No upcoming appointments.
bookings-past-empty = No past appointments yet.
bookings-technician-on-the-way = { $name } is on the way.
bookings-planned-arrival = Planned arrival at { $time }
bookings-view-live-map = View Live Map
bookings-modify = Modify
bookings-see-details = See details
bookings-needs-new-time = We need a new time for this visit: the technician can no longer come at this time.
bookings-needs-new-time-how = Please choose another day and time below.
bookings-choose-new-time = Choose a new time
bookings-notice-rescheduled = Your appointment has a new time. An updated invitation is on its way by email.
bookings-notice-canceled = Your appointment is canceled. A confirmation is on its way by email.

## A visit.
bookings-state-scheduled = Scheduled
bookings-state-traveling = Traveling
bookings-state-in_progress = In Progress
bookings-state-completed = Completed
bookings-state-canceled = Canceled
bookings-label-date = Date
bookings-label-time = Time
bookings-label-eta = Estimated arrival
bookings-label-technician = Technician
bookings-label-asset = Equipment
bookings-label-address = Address
bookings-label-work-order = Work order
bookings-label-comments = Your comments
bookings-label-cancel-reason = Reason for canceling
# A visit with an arrival window: "Arrival between 10:00 AM and 12:00 PM".
bookings-arrival-window = Arrival between { $start } and { $end }
bookings-locked-scheduled = This appointment can be changed.
bookings-locked-traveling = The technician is on the way: this appointment can no longer be changed online. Please call us if you need to.
bookings-locked-in_progress = The visit has started: it can no longer be changed.
bookings-locked-completed = This visit is over.
bookings-locked-canceled = This appointment is canceled.

## Book a new appointment.
bookings-back-home = Back to my appointments
bookings-asset-label = Equipment (optional)
bookings-asset-none = No particular equipment
bookings-service-type-label = Service type
bookings-service-type-choose = Choose a service type
# A service type in the list: "Furnace maintenance (1 h 30 min)".
bookings-service-type-option = { $name } ({ $duration })
bookings-duration-minutes = { $minutes } min
bookings-duration-hours = { $hours } h
bookings-duration-hours-minutes = { $hours } h { $minutes } min
bookings-show-days = Show available days
bookings-choose-service-first = Choose a service type to see the days with free time.
bookings-not-served = Sorry: no technician serves your address for this service. Please contact us to arrange a visit.
bookings-days-heading = Choose a day
bookings-no-days = There is no free time for this service in the coming days. Please try again later or contact us.
bookings-day-unavailable = no free time
bookings-weekday-short-1 = Mon
bookings-weekday-short-2 = Tue
bookings-weekday-short-3 = Wed
bookings-weekday-short-4 = Thu
bookings-weekday-short-5 = Fri
bookings-weekday-short-6 = Sat
bookings-weekday-short-7 = Sun
bookings-slots-heading = Available times on { $date }
bookings-slots-none = There is no free time left on this day. Please choose another day.
bookings-slots-choose-day = Choose a day to see its available times.
bookings-comments-label = Comments (optional)
bookings-comments-hint = What is wrong, how to get in, anything the technician should know.
bookings-book = Book
bookings-error-choose-service = Choose a service type.
bookings-error-choose-time = Choose a time from the list.
bookings-error-not-offered = This is not available for booking online.
bookings-booked-heading = Your appointment is booked
bookings-booked-text = Thank you. A technician will come to you at the time below.
bookings-booked-email = A confirmation email is on its way to { $email }, with an invitation for your calendar.

## Modify.
bookings-modify-heading = Modify appointment
bookings-visit-heading = Your appointment
bookings-reschedule-heading = Choose a new date and time
bookings-reschedule-save = Save the new time
bookings-reschedule-unavailable = This appointment cannot be moved online any more. You can still cancel it, or contact us.
bookings-cancel-heading = Cancel appointment
bookings-cancel-reason-label = Why are you canceling? (required)
bookings-cancel-button = Cancel appointment

## The dispatcher's board (staff).
dispatch-nav-visits = Visits
dispatch-title = Visits
dispatch-filter-day = Day
dispatch-filter-technician = Technician
dispatch-filter-any-technician = Every technician
dispatch-filter-apply = Show
dispatch-period = { $from } to { $to }
dispatch-zone = Times in { $zone }.
dispatch-pager = Other days
dispatch-truncated = Only the first visits are shown: narrow the filters to see the others.
dispatch-col-time = Time
dispatch-col-technician = Technician
dispatch-col-service = Service
dispatch-col-state = State
dispatch-action-start-travel = Start travel
dispatch-action-start-work = Start work
dispatch-action-complete = Complete
dispatch-action-cancel = Cancel
dispatch-action-stop-travel = Stop travel
dispatch-completion-note = Note:
dispatch-complete-note = Note (optional)
dispatch-cancel-reason = Reason (required)
dispatch-notice-updated = The visit is updated.

## The schedule board (issue 15).
board-intro = Technicians by row, the day's hours (or the week's days) across. Each visit shows its time, customer and state; the hatched part before it is the drive. Open a visit for its details and buttons; drag it to another technician or time to move it. The board updates by itself when visits change.
board-filter-territory = Territory
board-filter-any-territory = Every territory
board-filter-skill = Skill
board-filter-any-skill = Every skill
board-previous = Previous
board-next = Next
board-today = Today
board-view-day = Day
board-view-week = Week
board-attention-heading = Needs attention
board-attention-none = Nothing needs attention.
board-attention-flagged = Needs a new time
board-attention-unassigned = Unassigned
board-attention-late = Late
board-no-technicians = No technician matches these filters.
board-travel = Travel before
board-travel-minutes = { $minutes ->
    [one] { $minutes } min travel
   *[other] { $minutes } min travel
}
board-working = Working { $hours }
board-not-working = Not working
board-time-off = time off { $hours }
board-off = Time off
board-cancel-reason = Reason for canceling
board-move-link = Move…
board-move-refused = This move is refused:
board-move-done = The visit is moved.
board-move-failed = The visit could not be moved. Try again.
board-move-override = Move anyway
board-move-override-reason = Reason for the exception (recorded)
board-updated = The board is up to date.
