# A technician's day on a map (crates/onsite-web/src/staff/route.rs,
# templates/staff/technician_day.html).

route-title = { $name }'s day
route-link = Day on a map
route-date-label = Day
route-show = Show
route-map-label = Map of the day's route
route-list-heading = The route
route-col-stop = Stop
route-col-arrival = Arrival
route-col-drive = Drive there
route-home = Home base
route-home-back = Back home
route-drive = { $minutes } min · { $km } km
route-total = Driving in all: { $minutes } min, { $km } km
route-no-visits = No visits this day.
route-better-heading = Suggest a better order
route-better-intro = This order reaches every customer within their booked arrival window and keeps to the working day, with less driving:
route-better-saves = It saves { $minutes } min and { $km } km of driving.
route-none-nothing = There is nothing to reorder: fewer than two visits.
route-none-started = A visit of this day has started: its order is the technician's now.
route-none-not-working = The technician does not work this day by their hours: no order is suggested.
route-none-best = The booked order already drives the least within the customers' arrival windows.
route-planned-arrival = planned arrival { $time }
