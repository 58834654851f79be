# A dispatcher moves a visit to another time or technician (the "Move…" dialog, the board, the API).
moves-title = Move visit { $number }
moves-intro = { $service } for { $account }, now with { $technician } on { $when }.
moves-technician = Technician
moves-technician-inactive = { $name } (inactive)
moves-date = Date
moves-time = Time ({ $zone })
moves-zone-note = Times are in { $zone }.
moves-check = Check
moves-move = Move
moves-move-anyway = Move anyway
moves-override-reason = Reason for the override
moves-override-hint = Working hours, time off and travel time may be overridden with a reason, which is recorded.
moves-verdict-heading = Check
moves-back = Back to the board
moves-summary-clear = The visit can be moved there.
moves-summary-refused = The visit cannot be moved there.
moves-summary-overridable = The visit can be moved there only with a reason for the override.
moves-notice-moved = The visit has been moved; the customer has been emailed the new time.
moves-unchanged = The visit already has that technician and time: nothing changed.
moves-moved = Visit moved to { $technician } on { $when }; the customer has been emailed.
moves-not-scheduled = Only a scheduled visit can be moved; this one is { $state }.
moves-unknown-technician = Choose a technician from the list.
moves-reason-too-long = The reason for the override is too long.
moves-invalid-time = Enter a valid date and time.
moves-skill-at-least = { $skill } ≥ { $rating }
moves-reason-lacks-skill = { $name } lacks { $skills }
moves-reason-overlap = { $travel ->
    [0] overlaps the { $time } visit
   *[other] overlaps the { $time } visit including { $travel } min of travel
}
moves-reason-outside-hours = outside { $name }'s working hours
moves-reason-time-off = { $name } is on time off
moves-reason-territory = { $name } does not serve this address's territory
moves-reason-inactive = { $name } is inactive
moves-reason-not-a-user = { $name } is not a person who can be booked for visits
moves-reason-past = the new time has already passed
moves-reason-travel-after = not enough travel time after the { $time } visit ({ $needed } min needed, { $available } available)
moves-reason-travel-before = not enough travel time before the { $time } visit ({ $needed } min needed, { $available } available)
moves-reason-travel-from-home = not enough travel time from the home base within working hours ({ $needed } min needed, { $available } available)
moves-reason-travel-to-home = not enough travel time back to the home base within working hours ({ $needed } min needed, { $available } available)
moves-overridable = may be overridden
