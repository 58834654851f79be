# Les e-mails sur une visite en cours (crates/onsite-notify/src/visit_emails.rs et
# templates/email/technician-on-the-way, visit-completed).

visit-email-see-visit = Voir votre rendez-vous dans le portail :

## Départ : « technicien en route ».

visit-email-on-the-way-subject = { $technician } est en route (arrivée vers { $eta })
visit-email-on-the-way-heading = { $technician } est en route
visit-email-on-the-way-intro = Votre technicien { $technician } est parti pour votre visite « { $service } ».
visit-email-on-the-way-eta = Arrivée estimée : { $eta }
visit-email-on-the-way-follow = Suivez { $technician } sur la carte en direct jusqu’à son arrivée :
visit-email-live-map-button = Voir la carte en direct

## Terminée.

visit-email-completed-subject = Votre visite est terminée : { $service }, { $date }
visit-email-completed-heading = Votre visite est terminée
visit-email-completed-intro = Votre visite « { $service } » est terminée. Merci de votre confiance.
visit-email-completed-feedback = Comment cela s’est-il passé ? Dites-le-nous en une minute :
visit-email-feedback-button = Donner votre avis

## Déplacement interrompu : le technicien n’est pas encore en route.

visit-email-travel-stopped-subject = { $technician } n’est pas encore en route
visit-email-travel-stopped-heading = { $technician } n’est pas encore en route
visit-email-travel-stopped-intro = Nous vous avons annoncé que { $technician } partait pour votre intervention { $service } : c’était trop tôt, { $technician } n’est pas encore en route.
visit-email-travel-stopped-still = Votre rendez-vous n’a pas changé : nous vous préviendrons de nouveau quand { $technician } partira.
