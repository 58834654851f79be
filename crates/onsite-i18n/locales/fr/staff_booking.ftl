# Réserver pour un client (crates/onsite-web/src/staff/bookings.rs,
# templates/staff/booking_*.html) : un répartiteur prend une commande au téléphone.

staff-booking-nav = Réserver pour un client
staff-booking-title = Prendre un nouveau rendez-vous pour un client
staff-booking-title-for = Prendre un nouveau rendez-vous pour { $account }
staff-booking-account-link = Réserver une visite pour ce client
staff-booking-change-account = Choisir un autre client
staff-booking-account-inactive-note = Ce compte est inactif : aucune visite ne peut être réservée pour lui tant qu’il n’est pas réactivé.
staff-booking-asset-label = Équipement (facultatif)
staff-booking-asset-none = Aucun équipement en particulier
staff-booking-asset-hidden = masqué au client
staff-booking-service-type-label = Type de service
staff-booking-service-type-choose = Choisissez un type de service
staff-booking-staff-only = personnel seulement
staff-booking-show-days = Afficher les jours libres
staff-booking-same-as-customer = Voici les jours et les heures que le client verrait, avec les techniciens qui pourraient venir, du plus proche au plus éloigné.
staff-booking-technicians-of-slot = Qui pourrait venir
staff-booking-candidate = { $name } : { $minutes } min de route { $from ->
    [home] depuis son domicile
   *[visit] depuis la visite précédente
}, { $km } km
staff-booking-engine-choice = le mieux placé
staff-booking-technician-label = Technicien
staff-booking-technician-best = Le technicien le mieux placé à l’heure choisie (recommandé)
staff-booking-technician-hint = Ne choisissez quelqu’un que pour passer outre au moteur : il doit figurer parmi ceux proposés pour l’heure choisie.
staff-booking-comments-label = Commentaires pour le technicien (facultatif)
staff-booking-book = Réserver pour le client
staff-booking-booked = Réservé. La confirmation du client, avec l’invitation de calendrier, part par courriel.
staff-booking-booked-no-email = Réservé. Personne de ce compte ne reçoit les courriels de réservation : communiquez l’heure au client vous-même.
staff-booking-visit-title = Rendez-vous réservé pour { $account }
staff-booking-label-account = Client
staff-booking-label-address = Adresse
staff-booking-book-another = Réserver un autre rendez-vous pour ce client
staff-booking-back-to-account = Retour au client

## Refus (aussi les messages de l’API JSON).
staff-booking-account-unknown = Ce compte n’existe pas : choisissez de nouveau le client.
staff-booking-service-type-unknown = Ce type de service n’existe pas ou n’est plus offert : choisissez-en un autre.
staff-booking-asset-unknown = Cet équipement n’appartient pas à ce client : choisissez l’un des siens, ou aucun.
staff-booking-technician-unknown = Ce technicien n’existe pas : choisissez l’un de ceux proposés pour l’heure choisie.
staff-booking-technician-not-a-user = Cette ressource n’est pas une personne : seul un technicien peut être réservé pour une visite.
staff-booking-technician-inactive = Ce technicien est inactif : choisissez l’un de ceux proposés pour l’heure choisie.
staff-booking-technician-outside-territory = Ce technicien ne dessert pas le territoire du client : choisissez l’un de ceux proposés pour l’heure choisie.
staff-booking-technician-missing-skills = Il manque à ce technicien une compétence requise par cette visite, ou son niveau minimal : choisissez l’un de ceux proposés pour l’heure choisie.
staff-booking-technician-busy = Ce technicien n’est pas libre à cette heure, en comptant les trajets avant et après : choisissez l’un de ceux proposés pour l’heure choisie.
staff-booking-choose-time = Choisissez une heure pour la visite.
staff-booking-label-service-type = Type de service
staff-booking-label-state = État
staff-booking-not-served = Aucun technicien ne dessert l’adresse de ce client pour ce service : vérifiez le territoire du compte, ou les compétences que requièrent ce type de service et cet équipement.
