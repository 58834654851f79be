# La journée du technicien (crates/onsite-web/src/pages/technician.rs, templates/technician/).

technician-nav-day = Ma journée
technician-title = Ma journée
technician-today = Aujourd’hui
technician-tomorrow = Demain
technician-zone = Heures de { $zone }.
technician-today-empty = Aucune visite aujourd’hui.
technician-tomorrow-empty = Aucune visite demain.
technician-label-address = Adresse
technician-label-contact = Contact
technician-label-service = Service
technician-label-asset = Équipement
technician-label-comments = Commentaires du client
technician-action-start-travel = Partir
technician-action-start-work = Commencer le travail
technician-action-complete = Terminer
technician-complete-note = Note (facultative)
technician-move-refused = Cette visite est maintenant « { $state } » : cette étape n’est pas possible. La fiche montre où elle en est.
technician-move-changed = Quelqu’un a modifié cette visite au même moment. Regardez-la de nouveau avant de continuer.
technician-unknown-action = Choisissez Partir, Commencer le travail ou Terminer.
technician-location-while-traveling = Pendant le trajet, cette page partage votre position avec le client.
technician-location-sharing = Partage de votre position avec le client pendant le trajet…
technician-location-sent = Position partagée à
technician-location-denied = La localisation est désactivée pour ce site : autorisez-la dans le navigateur, ou utilisez une application de suivi.
technician-location-unsupported = Ce navigateur ne peut pas partager de position : utilisez plutôt une application de suivi.
technician-location-refused = Votre position n’a pas pu être partagée pour l’instant ; nouvel essai bientôt.
technician-tracking-app-link = Partager votre position avec une application de suivi
