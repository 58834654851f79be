# The workforce pages of the back office (crate onsite-web, staff/workforce; onsite-app workforce).

workforce-nav = Workforce
workforce-nav-label = Workforce sections
workforce-technicians-title = Technicians
workforce-technicians-intro = The people customers book: where they start from, when they work, where, and what they can do. A change that makes a booked visit impossible moves it to another technician free at the same time, or asks the customer to pick a new time.
workforce-technicians-new = New technician
workforce-technicians-none = No technicians match.
workforce-templates-title = Working-hours templates
workforce-templates-intro = Reusable weeks of working hours, such as "Weekdays 8–16:30". Each technician follows one; changing a template changes the hours of every technician who follows it.
workforce-templates-new = New template
workforce-templates-none = No templates yet.
workforce-search = Search by name
workforce-status-filter = Status
workforce-status-all = All
workforce-status-active = Active
workforce-status-inactive = Inactive
workforce-col-name = Name
workforce-col-status = Status
workforce-col-hours = Working hours
workforce-col-territories = Territories
workforce-col-sign-in = Signs in as
workforce-col-technicians = Technicians
workforce-active = Active
workforce-inactive = Inactive
workforce-own-hours = Own hours
workforce-kind-user = Person
workforce-kind-crew = Crew
workforce-kind-equipment = Equipment
workforce-day-monday = Monday
workforce-day-tuesday = Tuesday
workforce-day-wednesday = Wednesday
workforce-day-thursday = Thursday
workforce-day-friday = Friday
workforce-day-saturday = Saturday
workforce-day-sunday = Sunday
workforce-not-working = Not working
workforce-day-off = Day off

workforce-new-intro = A new technician is active at once: customers can book them in their territories, within their working hours, for the service types their skills cover.
workforce-create-button = Create the technician
workforce-save-button = Save
workforce-remove-button = Remove
workforce-name = Name
workforce-home-base = Home base (where their day starts and ends)
workforce-time-zone = Time zone of their working hours
workforce-time-zone-choose = Choose a time zone
workforce-template = Working hours
workforce-template-hint = The template they follow.
workforce-no-hours-yet = No working hours yet (not bookable)
workforce-keep-own-hours = Keep their own hours (set before templates)
workforce-territories = Territories they serve
workforce-territories-none = No territories yet.
workforce-skills = Skills, each with its rating
workforce-skill-none = Does not have it

workforce-upcoming-visits = { $count ->
    [one] 1 booked visit ahead
   *[other] { $count } booked visits ahead
}
workforce-profile-heading = Profile
workforce-hours-heading = Working hours
workforce-follows-template = Follows the template "{ $template }".
workforce-template-open = Open the template
workforce-own-hours-explained = Own hours, set before templates: choose a template in the profile to change them.
workforce-hours-zone = Local time in { $zone }.
workforce-exceptions-heading = Days that differ
workforce-exceptions-none = No day differs from the template.
workforce-exception-remove-of = Remove the exception of { $date }
workforce-exception-add = Other hours on one day
workforce-exception-date = Day
workforce-exception-hours = Hours that day
workforce-exception-hours-hint = One period such as 09:00-13:00; leave empty for a day off.
workforce-exception-save = Save the day
workforce-time-off-heading = Time off
workforce-time-off-intro = While off, the technician gets no visits; booked visits in that time move to someone else or wait for a new time.
workforce-time-off-none = No time off ahead.
workforce-time-off-from = From { $from }
workforce-time-off-to = to { $to }
workforce-time-off-remove-of = Remove the time off from { $from }
workforce-time-off-add = Add time off (local time in { $zone })
workforce-time-off-starts = Starts
workforce-time-off-ends = Ends
workforce-time-off-reason = Reason
workforce-time-off-save = Add the time off
workforce-sign-in-heading = Sign-in
workforce-signs-in-as = Signs in as { $email }.
workforce-no-sign-in = Nobody signs in as this technician yet.
workforce-link-user = Who signs in as this technician
workforce-link-user-hint = Users with the Technician role who sign in as no other technician.
workforce-link-user-button = Save who signs in
workforce-user-nobody = Nobody
workforce-create-sign-in = Create a sign-in for this technician
workforce-create-sign-in-intro = A user with the Technician role and this technician's name; they get an email with a link to choose their password.
workforce-create-sign-in-button = Create the sign-in
workforce-status-heading = Active or not
workforce-deactivate-help = An inactive technician gets no new visits; their booked visits move to another technician free at the same time, or wait for the customer to pick a new time. Their history stays.
workforce-deactivate-button = Deactivate
workforce-activate-help = This technician is inactive: customers cannot book them.
workforce-activate-button = Activate

workforce-template-name = Name
workforce-template-days = Hours of each day
workforce-template-days-hint = Periods in local time such as 08:00-12:00, 13:00-16:30; leave a day empty when nobody works.
workforce-template-followers = { $count ->
    [one] Followed by 1 technician.
   *[other] Followed by { $count } technicians.
}
workforce-template-save-help = Saving new hours changes them for every technician who follows this template, and moves their booked visits that fall outside.

workforce-report-heading = Booked visits
workforce-report-none = No booked visit was affected ({ $checked ->
    [one] 1 visit checked
   *[other] { $checked } visits checked
}).
workforce-report-affected = { $count ->
    [one] 1 booked visit affected
   *[other] { $count } booked visits affected
}: { $moved } moved to another technician, { $waiting } waiting for a new time.
workforce-report-moved = { $when } — { $account }, { $service }: moved from { $from } to { $to }, at the same time.
workforce-report-waiting-asked = { $when } — { $account }, { $service }: nobody else is free then. The customer was asked by email to pick a new time; the visit is flagged on the visits board.
workforce-report-waiting = { $when } — { $account }, { $service }: nobody else is free then. The visit is flagged on the visits board for a new time (no email could be sent to the customer).
workforce-report-pending = { $count ->
    [one] 1 change is still being checked in the background: reload this page in a moment.
   *[other] { $count } changes are still being checked in the background: reload this page in a moment.
}

workforce-notice-created = Technician created.
workforce-notice-saved = Saved.
workforce-notice-deactivated = Deactivated: no new visits for this technician.
workforce-notice-activated = Activated: customers can book this technician again.
workforce-notice-time-off-added = Time off added.
workforce-notice-time-off-removed = Time off removed.
workforce-notice-exception-saved = The day's hours are saved.
workforce-notice-exception-removed = The day follows the template again.
workforce-notice-user-linked = Saved who signs in as this technician.
workforce-notice-sign-in-created = Sign-in created: an email with a link to choose the password is on its way.
workforce-notice-template-created = Template created.
workforce-notice-template-saved = Template saved.

workforce-error-changed = Someone else saved this in the meantime. The page now shows their version: make your change again.
workforce-error-name-taken = Another template has this name: choose another.
workforce-error-user-taken = This user signs in as another technician already.
workforce-error-has-sign-in = This technician has a sign-in already.
invalid-working-hours-format = Write periods as 08:00-12:00, separated by commas.
invalid-working-hours-overlap = Two periods of this day overlap.
invalid-working-hours-one-period = One period only, such as 09:00-13:00.
invalid-past-date = This day is past.
invalid-time-off-started = This time off has started: it can no longer be removed.

# The audit log names the workforce's records and actions.
audit-kind-working_hours_template = Working-hours template
audit-action-technician-create = Created a technician
audit-action-technician-update = Edited a technician
audit-action-technician-deactivate = Deactivated a technician
audit-action-technician-activate = Activated a technician
audit-action-technician-time-off-add = Added time off
audit-action-technician-time-off-remove = Removed time off
audit-action-technician-exception-set = Changed a technician's hours on one day
audit-action-technician-exception-remove = Removed a technician's day exception
audit-action-technician-link-user = Changed who signs in as a technician
audit-action-working_hours_template-create = Created a working-hours template
audit-action-working_hours_template-update = Edited a working-hours template

# The users page (/staff/users) names the technician a user signs in as.
workforce-user-is-technician = Technician:
workforce-users-technician-hint = To give a technician a sign-in, open their page under Workforce (Technicians).
