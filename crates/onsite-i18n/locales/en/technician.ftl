# The technician's day (crates/onsite-web/src/pages/technician.rs, templates/technician/).

technician-nav-day = My day
technician-title = My day
technician-today = Today
technician-tomorrow = Tomorrow
technician-zone = Times in { $zone }.
technician-today-empty = No visits today.
technician-tomorrow-empty = No visits tomorrow.
technician-label-address = Address
technician-label-contact = Contact
technician-label-service = Service
technician-label-asset = Equipment
technician-label-comments = Customer's comments
technician-action-start-travel = Start travel
technician-action-start-work = Start work
technician-action-complete = Complete
technician-complete-note = Note (optional)
technician-move-refused = This visit is { $state } now: that step is not possible. The card shows where it stands.
technician-move-changed = Someone changed this visit at the same moment. Look at it again before you continue.
technician-unknown-action = Choose Start travel, Start work or Complete.
technician-location-while-traveling = While you travel, this page shares your position with the customer.
technician-location-sharing = Sharing your position with the customer while you travel…
technician-location-sent = Position shared at
technician-location-denied = Location is turned off for this site: allow it in your browser, or use a tracking app.
technician-location-unsupported = This browser cannot share a position: use a tracking app instead.
technician-location-refused = Your position could not be shared just now; it will be tried again.
technician-tracking-app-link = Share your position with a tracking app instead
