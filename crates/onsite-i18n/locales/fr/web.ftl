# La coque web : gabarit, page d’accueil, sélecteur de langue, pages d’erreur (crate onsite-web).

## Gabarit
web-skip-to-content = Aller au contenu principal
web-nav-sections = Rubriques
web-nav-label = Principale
web-nav-home = Accueil Onsite
web-nav-sign-in = Se connecter
web-nav-sign-out = Se déconnecter
web-nav-signed-in-as = Connecté en tant que
web-nav-profile = Profil
web-nav-users = Utilisateurs et rôles
web-nav-mailbox = Boîte aux lettres
web-language-label = Langue
web-language-apply = Changer de langue
web-footer-tagline = Onsite — réservez, suivez et évaluez vos interventions.
web-network-error = Le serveur est injoignable. Vérifiez votre connexion et réessayez.

## Page d’accueil
web-home-title = Vos interventions
web-home-heading = Vos interventions, entre vos mains
web-home-lead = Onsite est le portail client de votre prestataire de services. Réservez la visite d’un technicien au moment qui vous convient, suivez-le pendant son trajet et dites-nous comment elle s’est passée.
web-home-redeem = Accepter l’invitation
web-home-invitation-hint = Nouveau ? Votre prestataire vous a envoyé une invitation par e-mail avec un code : choisissez Accepter l’invitation pour créer votre compte.
web-home-features-heading = Ce que vous pouvez faire
web-home-book-title = Prendre un nouveau rendez-vous
web-home-book-text = Choisissez votre équipement et le service dont vous avez besoin, sélectionnez un jour et voyez aussitôt les plages horaires disponibles. Un technicien qualifié est affecté à votre visite.
web-home-modify-title = Modifier ou annuler
web-home-modify-text = Déplacez une visite planifiée à un autre jour et une autre heure, ou choisissez Annuler le rendez-vous en indiquant la raison.
web-home-track-title = Suivre mon technicien
web-home-track-text = Quand votre technicien est en route, Afficher la carte en direct montre où il se trouve et quand il arrivera.
web-home-feedback-title = Envoyer des commentaires
web-home-feedback-text = Évaluez une visite terminée et laissez un commentaire, pour que la prochaine soit encore meilleure.
web-home-records-title = Vos dossiers
web-home-records-text = Consultez les contrats, équipements, ordres de travail et factures que votre prestataire partage avec vous, et approuvez devis et renouvellements.
web-home-partners-title = Pour les partenaires
web-home-partners-text = Les partenaires reçoivent les opportunités qui leur correspondent, distribuées équitablement, et les mènent jusqu’à leur conclusion, gagnée ou perdue.

## Erreurs
web-error-title-not-found = Page introuvable
web-error-title-forbidden = Action non autorisée
web-error-title-server = Un problème est survenu
web-error-title-request = Cette requête n’a pas pu être traitée
web-error-not-found = Il n’y a pas de page à cette adresse. Elle a peut-être été déplacée, ou le lien contient une erreur.
web-error-bad-request = La requête n’a pas pu être comprise. Revenez en arrière, vérifiez votre saisie et réessayez.
web-error-invalid = Cette valeur n’est pas valide.
web-error-cross-site = Ce formulaire a été envoyé depuis un autre site web ; il a donc été refusé. Ouvrez Onsite directement et réessayez.
web-error-csrf = Ce formulaire a expiré ou n’a pas été envoyé depuis Onsite : il a été refusé. Rechargez la page et réessayez.
web-error-unauthorized = Connectez-vous pour faire ceci.
web-error-forbidden = Vous n’êtes pas autorisé à faire ceci.
web-error-conflict = Ceci entre en conflit avec un élément existant. Rechargez la page et réessayez.
web-error-unavailable = Onsite ne peut pas répondre pour le moment. Veuillez réessayer dans un instant.
error-internal = Une erreur inattendue s’est produite de notre côté. Elle a été enregistrée.
web-error-method-not-allowed = Cette adresse n’accepte pas ce type de requête.
web-error-payload-too-large = Ce que vous avez envoyé est trop volumineux.
web-error-too-many-requests = Trop de tentatives. Veuillez patienter un instant avant de réessayer.
web-error-server-hint = Si cela se reproduit, contactez votre prestataire en lui indiquant l’identifiant de requête ci-dessous.
web-error-home-link = Aller à la page d’accueil
web-error-request-id = Identifiant de requête :

## Motifs de validation (codes InvalidInput d’onsite-domain : invalid-<motif>)
invalid-required = Ce champ est obligatoire.
invalid-too-long = C’est trop long.
invalid-control-characters = Ceci contient des caractères non autorisés.
invalid-out-of-range = Cette valeur est hors limites.
invalid-unknown = Cette valeur ne nous est pas connue.
invalid-email = Ce n’est pas une adresse e-mail valide.
invalid-phone = Ce n’est pas un numéro de téléphone valide.
invalid-time-zone = Ce n’est pas un fuseau horaire connu.
invalid-currency = Ce n’est pas une devise connue.
invalid-too-few-vertices = Une zone doit compter au moins trois points.
invalid-start-before-end = Le début doit précéder la fin.
invalid-not-a-number = Ce n’est pas un nombre.

## Accueil connecté
web-home-welcome = Bienvenue, { $name }
web-home-welcome-lead = Voici ce que vous pouvez faire dans le portail.
web-home-card-appointments-title = Vos rendez-vous
web-home-card-appointments-text = Prenez un nouveau rendez-vous, modifiez-en ou annulez-en un, et suivez votre technicien le jour venu : tout se passe ici, sur la page d’accueil.
web-home-card-records-title = Vos dossiers
web-home-card-records-text = Les contrats, équipements, ordres de travail et factures que votre entreprise de service partage avec vous.
web-home-card-opportunities-title = Vos opportunités
web-home-card-opportunities-text = Les opportunités distribuées à votre entreprise, à accepter et à mener jusqu’à gagnées ou perdues.
web-home-card-day-title = Votre journée
web-home-card-day-text = Les interventions du jour dans l’ordre, et leur état au fil du travail.
web-home-card-mailbox-title = Boîte aux lettres
web-home-card-mailbox-text = Tous les e-mails envoyés par le portail : lisez-les, et relancez ceux qui ont échoué.
web-home-card-users-title = Utilisateurs et rôles
web-home-card-users-text = Toutes les personnes qui peuvent se connecter, et ce que leurs rôles leur permettent.
web-home-card-profile-title = Votre profil
web-home-card-profile-text = Votre nom, téléphone, langue, fuseau horaire, notifications, mot de passe et comptes liés.

## Page d’accueil : qui va où
web-home-who-heading = Qui utilise Onsite
web-home-who-customers = Clients
web-home-who-customers-text = Connectez-vous pour prendre et suivre vos rendez-vous. Première visite ? Choisissez Accepter l’invitation et saisissez le code de votre e-mail d’invitation.
web-home-who-records = Clients en consultation et en approbation
web-home-who-records-text = Connectez-vous pour voir vos contrats, équipements, ordres de travail et factures, et pour approuver devis et renouvellements.
web-home-who-partners = Partenaires
web-home-who-partners-text = Connectez-vous pour voir les opportunités distribuées à votre entreprise.
web-home-who-technicians = Techniciens
web-home-who-technicians-text = Connectez-vous pour voir votre journée et partager votre position en route.
web-home-who-staff = Répartiteurs et administrateurs
web-home-who-staff-text = Connectez-vous pour le back-office : les clients, leurs contacts et invitations, les utilisateurs et rôles, et la boîte aux lettres.

## Formulaires
web-form-errors-heading = Veuillez corriger ce qui suit :

## Personnel : contacts, invitations, utilisateurs
web-staff-contacts-search = Rechercher par compte, nom ou e-mail
web-staff-search-button = Rechercher
web-staff-contacts-none = Aucun compte ne correspond.
web-staff-contacts-of = Contacts de { $account }
web-staff-account-customer = Compte client
web-staff-account-partner = Compte partenaire
web-staff-account-inactive = inactif : ses contacts ne peuvent pas être invités
web-staff-account-no-contacts = Ce compte n’a aucun contact.
web-staff-contact-name = Nom
web-staff-contact-email = E-mail
web-staff-contact-status = Situation sur le portail
web-staff-contact-actions = Invitation
web-staff-status-none = Pas d’invitation
web-staff-status-invited = Invité (expire le { $date })
web-staff-status-expired = Invitation expirée le { $date }
web-staff-status-redeemed = Invitation acceptée
web-staff-status-account = A un compte ({ $roles })
web-staff-status-auto = Déjà invité automatiquement : Inviter tous les contacts ignore cette adresse.
web-staff-no-roles = aucun rôle
web-staff-invite-choose-roles = Rôles
web-staff-invite = Inviter
web-staff-invite-contact = Inviter { $name }
web-staff-invite-roles = Rôles de { $name }
web-staff-invite-all = Inviter tous les contacts
web-staff-invite-all-of = Inviter tous les contacts de { $account }
web-staff-invite-all-intro = Invite chaque contact sans compte sur le portail dont l’adresse n’a jamais été invitée automatiquement. Les adresses déjà invitées sont ignorées : invitez-les une par une pour envoyer un nouveau code.
web-staff-invite-all-roles = Rôles des nouveaux comptes
web-staff-invited-title = Invitation créée
web-staff-invited-to = Un e-mail d’invitation part pour { $name } :
web-staff-invited-hand-over = Ce portail n’envoie pas d’e-mail (son courrier va dans la boîte aux lettres intégrée), et l’e-mail d’invitation n’y montre pas le code : transmettez vous-même ce code à { $name }. Son adresse :
web-staff-invited-code = Code d’invitation :
web-staff-invited-expires = Le code est valable jusqu’au { $date }.
web-staff-invited-shown-once = Le code n’est affiché que cette fois. Copiez-le maintenant si vous voulez le transmettre au contact autrement.
web-staff-invited-old-code = Tout code précédent de ce contact ne fonctionne plus.
web-staff-invited-see-email = Voir l’e-mail d’invitation dans la boîte aux lettres
web-staff-bulk-title = Invitations pour { $account }
web-staff-bulk-invited = { $count ->
    [one] { $count } contact invité.
   *[other] { $count } contacts invités.
}
web-staff-bulk-already-invited = { $count ->
    [one] { $count } contact ignoré : déjà invité automatiquement.
   *[other] { $count } contacts ignorés : déjà invités automatiquement.
}
web-staff-bulk-have-account = { $count ->
    [one] { $count } contact ignoré : a déjà un compte.
   *[other] { $count } contacts ignorés : ont déjà un compte.
}
web-staff-bulk-no-inboxes = Ce portail n’envoie pas d’e-mail (son courrier va dans la boîte aux lettres intégrée) : les codes de ces invitations ne sont parvenus à personne. Invitez chaque contact depuis sa page pour voir le code et le lui transmettre, ou configurez SMTP (docs/configuration.md).
web-staff-bulk-see-mailbox = Voir les e-mails d’invitation dans la boîte aux lettres
web-staff-invite-refused-title = Aucune invitation n’a été créée
web-staff-users-title = Utilisateurs et rôles
web-staff-users-intro = Toutes les personnes qui peuvent se connecter. Les répartiteurs attribuent les rôles web ; les administrateurs aussi les rôles du personnel.
web-staff-users-search = Rechercher par e-mail ou nom
web-staff-users-none = Aucun utilisateur ne correspond.
web-staff-user-roles = Rôles : { $roles }
web-staff-user-disabled = désactivé
web-staff-web-roles = Rôles web
web-staff-staff-roles = Rôles du personnel
web-staff-save-roles = Enregistrer les rôles
web-staff-new-user = Nouvel utilisateur du personnel
web-staff-new-user-intro = Les répartiteurs font tourner l’arrière-boutique ; les administrateurs gèrent aussi les utilisateurs et les réglages. Le nouvel utilisateur reçoit un e-mail avec un lien pour choisir son mot de passe.
web-staff-new-user-name = Nom
web-staff-new-user-language = Langue de ses e-mails
web-staff-new-user-language-default = Celle du portail par défaut
web-staff-new-user-button = Créer l’utilisateur
web-staff-send-access = Envoyer un nouveau lien d’accès
web-staff-send-access-of = Envoyer un nouveau lien d’accès à { $email }
web-staff-disable = Désactiver
web-staff-disable-of = Désactiver { $email }
web-staff-enable = Réactiver
web-staff-enable-of = Réactiver { $email }
web-staff-save-web-roles-of = Enregistrer les rôles web de { $email }
web-staff-save-staff-roles-of = Enregistrer les rôles du personnel de { $email }
web-staff-pager = Pages
web-staff-previous = Page précédente
web-staff-next = Page suivante
web-staff-page-number = Page { $number }

## Personnel : la boîte aux lettres
web-mailbox-title = Boîte aux lettres
web-mailbox-intro = Tous les e-mails envoyés par le portail, du plus récent au plus ancien : invitations, réinitialisations de mot de passe, messages de rendez-vous. Les liens de réinitialisation et les codes d’invitation sont réservés à leurs destinataires : ils ne sont jamais affichés ici.
web-mailbox-count-pending = { $count } en attente
web-mailbox-count-sent = { $count } envoyés
web-mailbox-count-failed = { $count } en échec
web-mailbox-filter-status = État
web-mailbox-filter-any = Tous les états
web-mailbox-filter-recipient = Destinataire
web-mailbox-filter-apply = Filtrer
web-mailbox-filter-clear = Afficher tous les messages
web-mailbox-empty = Aucun message.
web-mailbox-col-subject = Objet
web-mailbox-col-recipient = À
web-mailbox-col-status = État
web-mailbox-col-created = Créé
web-mailbox-status-pending = En attente
web-mailbox-status-sent = Envoyé
web-mailbox-status-failed = En échec
web-mailbox-attachments-count = { $count ->
    [one] une pièce jointe
   *[other] { $count } pièces jointes
}
web-mailbox-older = Messages plus anciens
web-mailbox-back = Retour à la boîte aux lettres
web-mailbox-sent-at = Envoyé
web-mailbox-attempts = Tentatives d’envoi
web-mailbox-next-attempt = Prochaine tentative
web-mailbox-last-error = Dernière erreur
web-mailbox-language = Langue
web-mailbox-retry = Réessayer maintenant
web-mailbox-notice-retried = Le message va être renvoyé maintenant.
web-mailbox-already-sent = Ce message a déjà été envoyé ; il n’est jamais envoyé deux fois.
web-mailbox-attachments = Pièces jointes
web-mailbox-bytes = { $count } octets
web-mailbox-text = Texte
web-mailbox-html = Tel que le destinataire le voit
web-mailbox-html-frame = L’e-mail en HTML
web-mailbox-secret-hidden = [masqué : secret à usage unique réservé au destinataire]
web-mailbox-secret-awaiting = Ce message contient un secret à usage unique (un lien de réinitialisation de mot de passe ou un code d’invitation) réservé à son destinataire. Il est masqué ici, et effacé dès que le message est remis.
web-mailbox-secret-erased-smtp = Ce message contenait un secret à usage unique (un lien de réinitialisation de mot de passe ou un code d’invitation) réservé à son destinataire. Il a été remis au serveur de messagerie du destinataire et n’a pas été conservé.
web-mailbox-secret-erased-mailbox = Ce message contenait un secret à usage unique (un lien de réinitialisation de mot de passe ou un code d’invitation) réservé à son destinataire. La boîte aux lettres ne remet d’e-mail à personne : le secret n’a donc pas été conservé et personne ne peut le lire. Les réinitialisations de mot de passe et les invitations par e-mail demandent que SMTP soit configuré.
web-mailbox-secret-erased-unsent = Ce message contenait un secret à usage unique (un lien de réinitialisation de mot de passe ou un code d’invitation) réservé à son destinataire. Il n’a pas été remis, et le secret n’est pas conservé : demandez un nouveau lien de réinitialisation, ou invitez de nouveau la personne.
web-mailbox-secret-gone = Le secret à usage unique de ce message n’est pas conservé : il ne peut donc pas être renvoyé. Demandez un nouveau lien de réinitialisation, ou invitez de nouveau la personne.

## La page des réglages de prise de rendez-vous (administrateurs).
web-scheduling-settings-title = Réglages de prise de rendez-vous
web-scheduling-settings-intro = Comment les clients prennent rendez-vous en ligne et comment les trajets entre visites sont estimés. Un changement s’applique dès la prochaine recherche de créneaux, sur tous les serveurs.
web-scheduling-settings-legend = Prise de rendez-vous en ligne
web-scheduling-settings-nav = Rendez-vous
web-scheduling-settings-save = Enregistrer les réglages
web-notice-settings-saved = Les réglages sont enregistrés.
web-setting-scheduling-enabled = Les clients prennent rendez-vous en ligne
web-setting-scheduling-slot_minutes = Écart entre les heures de début proposées (minutes)
web-setting-scheduling-arrival_window_minutes = Plage d’arrivée montrée aux clients (minutes ; 0 : l’heure exacte)
web-setting-scheduling-horizon_days = Jusqu’à quand les clients peuvent réserver (jours)
web-setting-scheduling-lead_time_minutes = Délai minimal avant un rendez-vous (minutes)
web-setting-scheduling-travel_speed_kmh = Vitesse moyenne des trajets (km/h)
web-setting-scheduling-travel_road_factor = Distance par la route rapportée à la distance à vol d’oiseau
web-setting-identity-invitation_days = Durée de validité d’un code d’invitation (jours)

## Un lieu choisi sur une carte (map_point.html)
map-point-hint = Cliquez sur la carte ou déplacez le repère, ou saisissez les coordonnées (degrés décimaux).
map-point-latitude = Latitude
map-point-longitude = Longitude
