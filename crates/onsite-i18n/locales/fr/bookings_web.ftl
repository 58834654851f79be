# Pages de prise de rendez-vous (crates/onsite-web/src/pages/bookings.rs, templates/home_customer.html,
# templates/bookings/) et tableau des répartiteurs (pages/dispatch.rs, templates/dispatch/).

## Motifs de validation des formulaires et de l’API.
invalid-date = Cette date n’est pas valide (AAAA-MM-JJ).
invalid-instant = Cette heure n’est pas valide.

## Page d’accueil.
bookings-nav-appointments = Vos rendez-vous
bookings-home-title = Vos rendez-vous
bookings-book-new = Prendre un nouveau rendez-vous
bookings-home-empty = Vous n’avez pas encore de rendez-vous. Réservez une intervention quand cela vous convient : un technicien vient chez vous à l’heure choisie.
bookings-active-heading = Rendez-vous en cours
bookings-upcoming-heading = Rendez-vous à venir
bookings-past-heading = Rendez-vous passés
bookings-tabs-label = Rendez-vous
bookings-upcoming-empty = Aucun rendez-vous à venir.
bookings-past-empty = Aucun rendez-vous passé pour l’instant.
bookings-technician-on-the-way = { $name } est en route.
bookings-planned-arrival = Arrivée prévue à { $time }
bookings-view-live-map = Voir la carte en direct
bookings-modify = Modifier
bookings-see-details = Voir le détail
bookings-needs-new-time = Il faut choisir une nouvelle heure pour cette intervention : le technicien ne peut plus venir à cette heure-là.
bookings-needs-new-time-how = Choisissez un autre jour et une autre heure ci-dessous.
bookings-choose-new-time = Choisir une nouvelle heure
bookings-notice-rescheduled = Votre rendez-vous a une nouvelle heure. Une invitation mise à jour vous est envoyée par e-mail.
bookings-notice-canceled = Votre rendez-vous est annulé. Une confirmation vous est envoyée par e-mail.

## Une intervention.
bookings-state-scheduled = Planifié
bookings-state-traveling = En route
bookings-state-in_progress = En cours
bookings-state-completed = Terminé
bookings-state-canceled = Annulé
bookings-label-date = Date
bookings-label-time = Heure
bookings-label-eta = Arrivée estimée
bookings-label-technician = Technicien
bookings-label-asset = Équipement
bookings-label-address = Adresse
bookings-label-work-order = Ordre de travail
bookings-label-comments = Vos commentaires
bookings-label-cancel-reason = Motif de l’annulation
bookings-arrival-window = Arrivée entre { $start } et { $end }
bookings-locked-scheduled = Ce rendez-vous peut être modifié.
bookings-locked-traveling = Le technicien est en route : ce rendez-vous ne peut plus être modifié en ligne. Appelez-nous si nécessaire.
bookings-locked-in_progress = L’intervention a commencé : elle ne peut plus être modifiée.
bookings-locked-completed = Cette intervention est terminée.
bookings-locked-canceled = Ce rendez-vous est annulé.

## Prendre un nouveau rendez-vous.
bookings-back-home = Retour à mes rendez-vous
bookings-asset-label = Équipement (facultatif)
bookings-asset-none = Aucun équipement en particulier
bookings-service-type-label = Type de service
bookings-service-type-choose = Choisissez un type de service
bookings-service-type-option = { $name } ({ $duration })
bookings-duration-minutes = { $minutes } min
bookings-duration-hours = { $hours } h
bookings-duration-hours-minutes = { $hours } h { $minutes }
bookings-show-days = Afficher les jours disponibles
bookings-choose-service-first = Choisissez un type de service pour voir les jours où il reste de la place.
bookings-not-served = Désolé : aucun technicien ne dessert votre adresse pour ce service. Contactez-nous pour organiser une intervention.
bookings-days-heading = Choisissez un jour
bookings-no-days = Il n’y a pas de créneau libre pour ce service dans les prochains jours. Réessayez plus tard ou contactez-nous.
bookings-day-unavailable = complet
bookings-weekday-short-1 = lun.
bookings-weekday-short-2 = mar.
bookings-weekday-short-3 = mer.
bookings-weekday-short-4 = jeu.
bookings-weekday-short-5 = ven.
bookings-weekday-short-6 = sam.
bookings-weekday-short-7 = dim.
bookings-slots-heading = Créneaux disponibles le { $date }
bookings-slots-none = Il ne reste plus de créneau libre ce jour-là. Choisissez un autre jour.
bookings-slots-choose-day = Choisissez un jour pour voir ses créneaux disponibles.
bookings-comments-label = Commentaires (facultatif)
bookings-comments-hint = Le problème, comment entrer, tout ce que le technicien doit savoir.
bookings-book = Réserver
bookings-error-choose-service = Choisissez un type de service.
bookings-error-choose-time = Choisissez un créneau dans la liste.
bookings-error-not-offered = Ce choix ne peut pas être réservé en ligne.
bookings-booked-heading = Votre rendez-vous est réservé
bookings-booked-text = Merci. Un technicien viendra chez vous à l’heure ci-dessous.
bookings-booked-email = Un e-mail de confirmation est envoyé à { $email }, avec une invitation pour votre agenda.

## Modifier.
bookings-modify-heading = Modifier le rendez-vous
bookings-visit-heading = Votre rendez-vous
bookings-reschedule-heading = Choisir une nouvelle date et une nouvelle heure
bookings-reschedule-save = Enregistrer la nouvelle heure
bookings-reschedule-unavailable = Ce rendez-vous ne peut plus être déplacé en ligne. Vous pouvez encore l’annuler, ou nous contacter.
bookings-cancel-heading = Annuler le rendez-vous
bookings-cancel-reason-label = Pourquoi annulez-vous ? (obligatoire)
bookings-cancel-button = Annuler le rendez-vous

## Le tableau des répartiteurs.
dispatch-nav-visits = Interventions
dispatch-title = Interventions
dispatch-filter-day = Jour
dispatch-filter-technician = Technicien
dispatch-filter-any-technician = Tous les techniciens
dispatch-filter-apply = Afficher
dispatch-period = du { $from } au { $to }
dispatch-zone = Heures de { $zone }.
dispatch-pager = Autres jours
dispatch-truncated = Seules les premières interventions sont affichées : précisez les filtres pour voir les autres.
dispatch-col-time = Heure
dispatch-col-technician = Technicien
dispatch-col-service = Service
dispatch-col-state = État
dispatch-action-start-travel = Partir
dispatch-action-start-work = Commencer
dispatch-action-complete = Terminer
dispatch-action-cancel = Annuler
dispatch-action-stop-travel = Interrompre le déplacement
dispatch-completion-note = Note :
dispatch-complete-note = Note (facultatif)
dispatch-cancel-reason = Motif (obligatoire)
dispatch-notice-updated = L’intervention est mise à jour.

## Le tableau de planification (issue 15).
board-intro = Un technicien par ligne, les heures de la journée (ou les jours de la semaine) en colonnes. Chaque intervention indique son heure, son client et son état ; la partie hachurée qui la précède est le trajet. Ouvrez une intervention pour ses détails et ses boutons ; faites-la glisser vers un autre technicien ou une autre heure pour la déplacer. Le tableau se met à jour de lui-même quand les interventions changent.
board-filter-territory = Territoire
board-filter-any-territory = Tous les territoires
board-filter-skill = Compétence
board-filter-any-skill = Toutes les compétences
board-previous = Précédent
board-next = Suivant
board-today = Aujourd’hui
board-view-day = Jour
board-view-week = Semaine
board-attention-heading = À traiter
board-attention-none = Rien à traiter.
board-attention-flagged = Nouvelle heure à trouver
board-attention-unassigned = Sans technicien
board-attention-late = En retard
board-no-technicians = Aucun technicien ne correspond à ces filtres.
board-travel = Trajet avant
board-travel-minutes = { $minutes ->
    [one] { $minutes } min de trajet
   *[other] { $minutes } min de trajet
}
board-working = Travaille { $hours }
board-not-working = Ne travaille pas
board-time-off = absent { $hours }
board-off = Absent
board-cancel-reason = Motif de l’annulation
board-move-link = Déplacer…
board-move-refused = Ce déplacement est refusé :
board-move-done = L’intervention est déplacée.
board-move-failed = L’intervention n’a pas pu être déplacée. Réessayez.
board-move-override = Déplacer quand même
board-move-override-reason = Motif de l’exception (consigné)
board-updated = Le tableau est à jour.
