# Les e-mails sur la visite d’un client (crates/onsite-notify/src/booking_emails.rs et
# templates/email/booking-*). Parties communes d’abord, puis un groupe par e-mail.

booking-email-greeting = Bonjour { $name },
booking-email-greeting-anonymous = Bonjour,
# Une ligne du détail de la visite : « Technicien : Ana Silva ».
booking-email-line = { $label } : { $value }
booking-email-label-date = Date
booking-email-label-arrival = Arrivée
booking-email-label-service = Service
booking-email-label-asset = Équipement
booking-email-label-technician = Technicien
booking-email-label-address = Adresse
booking-email-label-work-order = Bon de travail
booking-email-label-comments = Vos commentaires
booking-email-arrival-window = entre { $start } et { $end }
booking-email-manage = Consultez, déplacez ou annulez votre rendez-vous dans le portail :
booking-email-manage-button = Voir mon rendez-vous
booking-email-calendar-note = L’invitation jointe ajoute la visite à votre agenda.
# Le titre de la visite dans l’agenda du client.
booking-ics-summary = Visite de service : { $service }

## Réservée.

booking-confirmed-subject = Votre visite est réservée : { $service }, { $date }
booking-confirmed-heading = Votre visite est réservée
booking-confirmed-intro = Merci. Un technicien viendra chez vous au moment indiqué ci-dessous.
booking-confirmed-change = Vous pouvez la déplacer ou l’annuler dans le portail jusqu’au départ du technicien :

## Déplacée.

booking-rescheduled-subject = Votre visite est déplacée au { $date }
booking-rescheduled-heading = Votre visite a un nouvel horaire
booking-rescheduled-intro = Votre visite, prévue le { $previous }, a désormais lieu au moment indiqué ci-dessous.
booking-rescheduled-calendar = L’invitation jointe met la visite à jour dans votre agenda.

## Annulée.

booking-canceled-subject = Votre visite du { $date } est annulée
booking-canceled-heading = Votre visite est annulée
booking-canceled-intro = La visite ci-dessous est annulée : personne ne viendra.
booking-canceled-reason = Motif
booking-canceled-calendar = L’annulation jointe retire la visite de votre agenda.
booking-canceled-book-again = Finalement besoin d’une visite ? Prenez un nouveau rendez-vous dans le portail :
booking-canceled-button = Prendre un nouveau rendez-vous

## Personne ne peut plus assurer la visite à son horaire (réaffectation en arrière-plan).

booking-new-time-subject = Veuillez choisir un nouvel horaire pour votre visite du { $date }
booking-new-time-heading = Veuillez choisir un nouvel horaire
booking-new-time-intro = Le technicien prévu pour votre visite n’est plus disponible à ce moment-là, et aucun autre technicien n’est libre à cette heure. Tant que vous n’avez pas choisi un nouvel horaire, votre rendez-vous reste inchangé.
booking-new-time-action = Choisissez un nouvel horaire dans le portail :
booking-new-time-button = Choisir un nouvel horaire
booking-new-time-sorry = Nous sommes désolés de ce contretemps.
