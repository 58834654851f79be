# Graphiques (crate onsite-web, charts.rs et templates/charts) et la journée du répartiteur en
# un coup d'œil (home.rs ; onsite-app glance).

chart-numbers = Les chiffres de « { $chart } »

glance-heading = La journée en un coup d’œil, { $date }
glance-states-title = Visites du jour par état
glance-col-state = État
glance-col-visits = Visites
glance-late = { $count ->
    [one] 1 visite en retard : pas commencée alors que son heure de début est passée.
   *[other] { $count } visites en retard : pas commencées alors que leur heure de début est passée.
}
glance-waiting = { $count ->
    [one] 1 visite attend une nouvelle heure.
   *[other] { $count } visites attendent une nouvelle heure.
}
glance-board-link = Ouvrir le tableau des visites
glance-technicians-title = Part réservée des heures de travail de chaque technicien aujourd’hui
glance-col-technician = Technicien
glance-col-booked = Réservé
glance-booked = { $percent } % ({ $booked } sur { $working } min)
glance-booked-not-working = { $booked } min réservées, ne travaille pas aujourd’hui
glance-technicians-none = Aucun technicien ne travaille aujourd’hui.
