# The emails about a visit under way (crates/onsite-notify/src/visit_emails.rs and
# templates/email/technician-on-the-way, visit-completed).

visit-email-see-visit = See your appointment in the portal:

## Travel started: "technician on the way".

visit-email-on-the-way-subject = { $technician } is on the way (arrival around { $eta })
visit-email-on-the-way-heading = { $technician } is on the way
visit-email-on-the-way-intro = Your technician { $technician } has set out for your { $service } visit.
visit-email-on-the-way-eta = Estimated arrival: { $eta }
visit-email-on-the-way-follow = Follow { $technician } on the live map until they arrive:
visit-email-live-map-button = View Live Map

## Completed.

visit-email-completed-subject = Your visit is completed: { $service }, { $date }
visit-email-completed-heading = Your visit is completed
visit-email-completed-intro = Your { $service } visit is completed. Thank you for your trust.
visit-email-completed-feedback = How did it go? Tell us in a minute:
visit-email-feedback-button = Send Feedback

## Travel stopped: the technician is not on the way after all.

visit-email-travel-stopped-subject = { $technician } is not on the way yet
visit-email-travel-stopped-heading = { $technician } is not on the way yet
visit-email-travel-stopped-intro = We told you a moment ago that { $technician } had set out for your { $service } visit: that was too early, they are not on the way yet.
visit-email-travel-stopped-still = Your appointment has not changed: we will tell you again when { $technician } sets out.
