# Les pages de l'équipe technique du back-office (crate onsite-web, staff/workforce ; onsite-app workforce).

workforce-nav = Équipe technique
workforce-nav-label = Sections de l'équipe technique
workforce-technicians-title = Techniciens
workforce-technicians-intro = Les personnes que les clients réservent : d'où elles partent, quand elles travaillent, où, et ce qu'elles savent faire. Un changement qui rend une visite réservée impossible la confie à un autre technicien libre à la même heure, ou demande au client de choisir une nouvelle heure.
workforce-technicians-new = Nouveau technicien
workforce-technicians-none = Aucun technicien ne correspond.
workforce-templates-title = Modèles d'horaires
workforce-templates-intro = Des semaines de travail réutilisables, comme « Semaine 8 h – 16 h 30 ». Chaque technicien en suit un ; modifier un modèle modifie l'horaire de tous les techniciens qui le suivent.
workforce-templates-new = Nouveau modèle
workforce-templates-none = Aucun modèle pour l'instant.
workforce-search = Rechercher par nom
workforce-status-filter = Statut
workforce-status-all = Tous
workforce-status-active = Actifs
workforce-status-inactive = Inactifs
workforce-col-name = Nom
workforce-col-status = Statut
workforce-col-hours = Horaire
workforce-col-territories = Territoires
workforce-col-sign-in = Se connecte comme
workforce-col-technicians = Techniciens
workforce-active = Actif
workforce-inactive = Inactif
workforce-own-hours = Horaire propre
workforce-kind-user = Personne
workforce-kind-crew = Équipe
workforce-kind-equipment = Équipement
workforce-day-monday = Lundi
workforce-day-tuesday = Mardi
workforce-day-wednesday = Mercredi
workforce-day-thursday = Jeudi
workforce-day-friday = Vendredi
workforce-day-saturday = Samedi
workforce-day-sunday = Dimanche
workforce-not-working = Ne travaille pas
workforce-day-off = Jour de congé

workforce-new-intro = Un nouveau technicien est actif tout de suite : les clients peuvent le réserver dans ses territoires, pendant son horaire, pour les types de service que ses compétences couvrent.
workforce-create-button = Créer le technicien
workforce-save-button = Enregistrer
workforce-remove-button = Retirer
workforce-name = Nom
workforce-home-base = Point de départ (où sa journée commence et finit)
workforce-time-zone = Fuseau horaire de son horaire
workforce-time-zone-choose = Choisissez un fuseau horaire
workforce-template = Horaire
workforce-template-hint = Le modèle qu'il suit.
workforce-no-hours-yet = Pas encore d'horaire (non réservable)
workforce-keep-own-hours = Garder son horaire propre (fixé avant les modèles)
workforce-territories = Territoires desservis
workforce-territories-none = Aucun territoire pour l'instant.
workforce-skills = Compétences, chacune avec sa note
workforce-skill-none = Ne l'a pas

workforce-upcoming-visits = { $count ->
    [one] 1 visite réservée à venir
   *[other] { $count } visites réservées à venir
}
workforce-profile-heading = Profil
workforce-hours-heading = Horaire
workforce-follows-template = Suit le modèle « { $template } ».
workforce-template-open = Ouvrir le modèle
workforce-own-hours-explained = Horaire propre, fixé avant les modèles : choisissez un modèle dans le profil pour le changer.
workforce-hours-zone = Heure locale de { $zone }.
workforce-exceptions-heading = Jours qui diffèrent
workforce-exceptions-none = Aucun jour ne diffère du modèle.
workforce-exception-remove-of = Retirer l'exception du { $date }
workforce-exception-add = Autre horaire un jour donné
workforce-exception-date = Jour
workforce-exception-hours = Horaire ce jour-là
workforce-exception-hours-hint = Une seule période comme 09:00-13:00 ; laissez vide pour un jour de congé.
workforce-exception-save = Enregistrer le jour
workforce-time-off-heading = Absences
workforce-time-off-intro = Pendant une absence, le technicien ne reçoit aucune visite ; les visites réservées pendant ce temps vont à quelqu'un d'autre ou attendent une nouvelle heure.
workforce-time-off-none = Aucune absence à venir.
workforce-time-off-from = Du { $from }
workforce-time-off-to = au { $to }
workforce-time-off-remove-of = Retirer l'absence du { $from }
workforce-time-off-add = Ajouter une absence (heure locale de { $zone })
workforce-time-off-starts = Début
workforce-time-off-ends = Fin
workforce-time-off-reason = Motif
workforce-time-off-save = Ajouter l'absence
workforce-sign-in-heading = Connexion
workforce-signs-in-as = Se connecte comme { $email }.
workforce-no-sign-in = Personne ne se connecte encore comme ce technicien.
workforce-link-user = Qui se connecte comme ce technicien
workforce-link-user-hint = Les utilisateurs ayant le rôle Technicien qui ne se connectent comme aucun autre technicien.
workforce-link-user-button = Enregistrer qui se connecte
workforce-user-nobody = Personne
workforce-create-sign-in = Créer une connexion pour ce technicien
workforce-create-sign-in-intro = Un utilisateur ayant le rôle Technicien et le nom de ce technicien ; il reçoit un e-mail avec un lien pour choisir son mot de passe.
workforce-create-sign-in-button = Créer la connexion
workforce-status-heading = Actif ou non
workforce-deactivate-help = Un technicien inactif ne reçoit plus de visites ; ses visites réservées vont à un autre technicien libre à la même heure, ou attendent que le client choisisse une nouvelle heure. Son historique reste.
workforce-deactivate-button = Désactiver
workforce-activate-help = Ce technicien est inactif : les clients ne peuvent pas le réserver.
workforce-activate-button = Activer

workforce-template-name = Nom
workforce-template-days = Horaire de chaque jour
workforce-template-days-hint = Périodes en heure locale comme 08:00-12:00, 13:00-16:30 ; laissez un jour vide quand personne ne travaille.
workforce-template-followers = { $count ->
    [one] Suivi par 1 technicien.
   *[other] Suivi par { $count } techniciens.
}
workforce-template-save-help = Enregistrer un nouvel horaire le change pour tous les techniciens qui suivent ce modèle, et déplace leurs visites réservées qui tombent en dehors.

workforce-report-heading = Visites réservées
workforce-report-none = Aucune visite réservée n'est touchée ({ $checked ->
    [one] 1 visite vérifiée
   *[other] { $checked } visites vérifiées
}).
workforce-report-affected = { $count ->
    [one] 1 visite réservée touchée
   *[other] { $count } visites réservées touchées
} : { $moved } confiée(s) à un autre technicien, { $waiting } en attente d'une nouvelle heure.
workforce-report-moved = { $when } — { $account }, { $service } : confiée à { $to } au lieu de { $from }, à la même heure.
workforce-report-waiting-asked = { $when } — { $account }, { $service } : personne d'autre n'est libre à cette heure. Le client a reçu un e-mail l'invitant à choisir une nouvelle heure ; la visite est signalée sur le tableau des visites.
workforce-report-waiting = { $when } — { $account }, { $service } : personne d'autre n'est libre à cette heure. La visite est signalée sur le tableau des visites pour une nouvelle heure (aucun e-mail n'a pu être envoyé au client).
workforce-report-pending = { $count ->
    [one] 1 changement est encore vérifié en arrière-plan : rechargez cette page dans un instant.
   *[other] { $count } changements sont encore vérifiés en arrière-plan : rechargez cette page dans un instant.
}

workforce-notice-created = Technicien créé.
workforce-notice-saved = Enregistré.
workforce-notice-deactivated = Désactivé : plus de nouvelles visites pour ce technicien.
workforce-notice-activated = Activé : les clients peuvent de nouveau réserver ce technicien.
workforce-notice-time-off-added = Absence ajoutée.
workforce-notice-time-off-removed = Absence retirée.
workforce-notice-exception-saved = L'horaire du jour est enregistré.
workforce-notice-exception-removed = Le jour suit de nouveau le modèle.
workforce-notice-user-linked = Enregistré : qui se connecte comme ce technicien.
workforce-notice-sign-in-created = Connexion créée : un e-mail avec un lien pour choisir le mot de passe est en route.
workforce-notice-template-created = Modèle créé.
workforce-notice-template-saved = Modèle enregistré.

workforce-error-changed = Quelqu'un d'autre a enregistré entre-temps. La page montre maintenant sa version : refaites votre modification.
workforce-error-name-taken = Un autre modèle porte ce nom : choisissez-en un autre.
workforce-error-user-taken = Cet utilisateur se connecte déjà comme un autre technicien.
workforce-error-has-sign-in = Ce technicien a déjà une connexion.
invalid-working-hours-format = Écrivez les périodes comme 08:00-12:00, séparées par des virgules.
invalid-working-hours-overlap = Deux périodes de ce jour se chevauchent.
invalid-working-hours-one-period = Une seule période, comme 09:00-13:00.
invalid-past-date = Ce jour est passé.
invalid-time-off-started = Cette absence a commencé : elle ne peut plus être retirée.

# Le journal d'audit nomme les fiches et actions de l'équipe technique.
audit-kind-working_hours_template = Modèle d'horaire
audit-action-technician-create = A créé un technicien
audit-action-technician-update = A modifié un technicien
audit-action-technician-deactivate = A désactivé un technicien
audit-action-technician-activate = A activé un technicien
audit-action-technician-time-off-add = A ajouté une absence
audit-action-technician-time-off-remove = A retiré une absence
audit-action-technician-exception-set = A changé l'horaire d'un technicien un jour donné
audit-action-technician-exception-remove = A retiré l'exception d'un jour d'un technicien
audit-action-technician-link-user = A changé qui se connecte comme un technicien
audit-action-working_hours_template-create = A créé un modèle d'horaire
audit-action-working_hours_template-update = A modifié un modèle d'horaire

# La page des utilisateurs (/staff/users) nomme le technicien comme lequel un utilisateur se connecte.
workforce-user-is-technician = Technicien :
workforce-users-technician-hint = Pour donner une connexion à un technicien, ouvrez sa page dans Équipe technique (Techniciens).
