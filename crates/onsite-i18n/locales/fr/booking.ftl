# Prise de rendez-vous en libre-service (crates/onsite-app/src/booking.rs, reassign.rs) : ce
# qu’une demande refusée dit à la personne. `BookingError::message_id` choisit le message.

booking-not-found = Ce rendez-vous ou cet élément est introuvable.
booking-not-allowed = Vous n’êtes pas autorisé à faire ceci.
booking-disabled = La prise de rendez-vous en ligne est désactivée pour le moment. Contactez-nous pour réserver une visite.
booking-too-soon = Cet horaire est trop proche pour être réservé. Veuillez choisir un horaire plus tardif.
booking-outside-horizon = Ce jour ne peut pas encore être réservé. Veuillez choisir un jour plus proche.
booking-not-a-slot = Cet horaire ne fait pas partie de ceux proposés. Veuillez choisir un horaire dans la liste.
booking-slot-taken = Cet horaire vient d’être pris. Veuillez en choisir un autre.
booking-not-modifiable = Ce rendez-vous ne peut plus être modifié : le technicien est en route, au travail, ou la visite est terminée.
booking-changed = Ce rendez-vous vient d’être modifié par quelqu’un d’autre. Veuillez le consulter de nouveau.
booking-already-traveling = Vous êtes déjà en route vers une autre intervention : interrompez ce déplacement d’abord, ou allez plutôt à celle-ci.
booking-undo-too-late = Le déplacement a commencé il y a plus de 5 minutes : il ne peut plus être annulé ici. Demandez à un répartiteur.
booking-reason-required = Veuillez indiquer pourquoi vous annulez.
booking-reason-too-long = Le motif est trop long.
booking-comments-too-long = Les commentaires sont trop longs.
booking-note-too-long = La note est trop longue.
booking-account-required = Choisissez le compte client pour lequel la visite est prévue.
booking-time-off-order = L’absence doit se terminer après son début.
booking-unknown-reference = Un territoire ou une compétence choisi n’existe pas.
booking-invalid-input = Une partie de ce que vous avez saisi n’est pas valide.
