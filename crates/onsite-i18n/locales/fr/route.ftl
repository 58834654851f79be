# La journée d’un technicien sur une carte (crates/onsite-web/src/staff/route.rs,
# templates/staff/technician_day.html).

route-title = Journée de { $name }
route-link = Journée sur une carte
route-date-label = Jour
route-show = Afficher
route-map-label = Carte du trajet de la journée
route-list-heading = Le trajet
route-col-stop = Étape
route-col-arrival = Arrivée
route-col-drive = Trajet pour s’y rendre
route-home = Domicile
route-home-back = Retour au domicile
route-drive = { $minutes } min · { $km } km
route-total = Route en tout : { $minutes } min, { $km } km
route-no-visits = Aucune visite ce jour-là.
route-better-heading = Suggérer un meilleur ordre
route-better-intro = Cet ordre atteint chaque client dans la plage d’arrivée réservée et respecte la journée de travail, avec moins de route :
route-better-saves = Il économise { $minutes } min et { $km } km de route.
route-none-nothing = Rien à réordonner : moins de deux visites.
route-none-started = Une visite de cette journée a commencé : son ordre appartient maintenant au technicien.
route-none-not-working = Le technicien ne travaille pas ce jour-là selon son horaire : aucun ordre n’est suggéré.
route-none-best = L’ordre réservé roule déjà le moins possible dans les plages d’arrivée des clients.
route-planned-arrival = arrivée prévue { $time }
