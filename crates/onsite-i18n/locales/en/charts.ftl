# Charts (crate onsite-web, charts.rs and templates/charts) and the dispatcher's day at a glance
# (home.rs; onsite-app glance).

chart-numbers = The numbers of “{ $chart }”

glance-heading = Today at a glance, { $date }
glance-states-title = Visits of the day by state
glance-col-state = State
glance-col-visits = Visits
glance-late = { $count ->
    [one] 1 late visit: not under way although its start time has passed.
   *[other] { $count } late visits: not under way although their start time has passed.
}
glance-waiting = { $count ->
    [one] 1 visit waits for a new time.
   *[other] { $count } visits wait for a new time.
}
glance-board-link = Open the visits board
glance-technicians-title = Booked share of each technician's working hours today
glance-col-technician = Technician
glance-col-booked = Booked
glance-booked = { $percent } % ({ $booked } of { $working } min)
glance-booked-not-working = { $booked } min booked, not working today
glance-technicians-none = No technician works today.
