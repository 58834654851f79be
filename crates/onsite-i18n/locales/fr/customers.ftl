# Les clients dans le back-office : comptes, contacts et invitations (/staff/accounts).
customers-nav = Clients
customers-title = Clients
customers-intro = Les comptes clients et partenaires avec leurs contacts, et où en est chaque contact avec le portail. Ouvrez un compte pour le modifier, lui ajouter un contact ou le désactiver ; ouvrez un contact pour le modifier, voir ses invitations ou en révoquer une.
customers-home-card-title = Clients
customers-home-card-text = Les comptes clients et partenaires et leurs contacts : les ajouter et les modifier, inviter les contacts au portail, suivre leurs invitations.
customers-new-customer = Nouveau compte client
customers-new-partner = Nouveau compte partenaire
customers-filter-kind = Type
customers-filter-any-kind = Clients et partenaires
customers-filter-status = Statut
customers-filter-active = Actifs
customers-filter-inactive = Inactifs
customers-filter-all = Actifs et inactifs
customers-territory-is = Territoire : { $territory }
customers-no-territory = Aucun territoire ne couvre cette adresse
customers-active = Actif
customers-inactive = Inactif
customers-save = Enregistrer
customers-back-to-contact = Revenir au contact
customers-back-to-account = Revenir au compte

## Un compte
customers-new-account = Nouveau compte
customers-account-details = Compte
customers-account-kind = Type
customers-account-kind-help = Les clients réservent des visites ; les partenaires reçoivent des opportunités. Le type ne peut plus changer ensuite.
customers-account-name = Nom
customers-account-address = Adresse de service
customers-account-address-line = Adresse
customers-account-city = Ville
customers-account-postal-code = Code postal
customers-account-country = Pays (deux lettres : CA, US, FR…)
customers-account-location = Emplacement de l’adresse de service
customers-account-time-zone = Fuseau horaire
customers-account-time-zone-choose = Choisissez le fuseau horaire de l’adresse
customers-account-notes = Notes
customers-account-territory-help = Le territoire du compte suit son adresse : chaque enregistrement lui donne le premier territoire dont les préfixes de code postal ou la zone la couvrent.
customers-create-account = Créer le compte
customers-account-deactivate-help = Un compte désactivé garde son historique, mais aucune visite n’est réservée ni déplacée pour lui, ses contacts ne peuvent pas être invités et leurs codes d’invitation ne fonctionnent pas tant qu’il reste inactif.
customers-deactivate-account = Désactiver le compte
customers-account-inactive-help = Ce compte est inactif. Réactivez-le pour lui réserver des visites et inviter de nouveau ses contacts.
customers-activate-account = Réactiver le compte
customers-contacts = Contacts
customers-new-contact = Nouveau contact
customers-new-contact-of = Nouveau contact de { $account }
customers-contact-inactive-mark = inactif

## Un contact
customers-contact-details = Contact
customers-contact-first-name = Prénom
customers-contact-last-name = Nom
customers-contact-phone = Téléphone
customers-contact-language = Langue de ses e-mails
customers-contact-roles-help = Ce que le contact peut faire dans le portail. S’il a un compte sur le portail, l’enregistrement change ses rôles aussitôt ; sinon, ce sont les rôles que sa prochaine invitation propose.
customers-create-contact = Créer le contact
customers-contact-deactivate-help = Un contact désactivé garde son historique, mais ne peut plus être invité : ses invitations en attente sont révoquées, et son compte sur le portail est désactivé et déconnecté partout.
customers-deactivate-contact = Désactiver le contact
customers-contact-inactive-help = Ce contact est inactif. Le réactiver réactive aussi son compte sur le portail.
customers-activate-contact = Réactiver le contact
customers-status-revoked = Invitation révoquée
customers-portal-none = Pas de compte sur le portail
customers-portal-invited = Invité, invitation pas encore acceptée
customers-portal-user-disabled = A un compte, désactivé ({ $roles })
customers-not-invitable = Aucune invitation ne peut être envoyée : le contact a déjà un compte sur le portail, ou le contact ou son compte est inactif.

## Les invitations d’un contact
customers-invitations = Invitations
customers-invitations-none = Pas encore d’invitation.
customers-invitation-created = Créée
customers-invitation-expires = Expire
customers-invitation-roles = Rôles
customers-invitation-state = État
customers-invitation-pending = En attente
customers-invitation-redeemed = Acceptée
customers-invitation-expired = Expirée
customers-invitation-revoked = Révoquée
customers-revoke = Révoquer
customers-revoke-of = Révoquer l’invitation du { $date }

## Confirmations
customers-notice-account-created = Compte créé.
customers-notice-saved = Enregistré.
customers-notice-account-deactivated = Compte désactivé.
customers-notice-account-activated = Compte réactivé.
customers-notice-contact-created = Contact créé.
customers-notice-contact-deactivated = Contact désactivé.
customers-notice-contact-activated = Contact réactivé.
customers-notice-invitation-revoked = Invitation révoquée : son code ne fonctionne plus.

## Refus
customers-error-email-taken = { $contact } de { $account } a déjà cette adresse : une adresse appartient à un seul contact actif.
customers-error-email-of-user = Quelqu’un d’autre se connecte au portail avec cette adresse (un membre du personnel ou le compte d’un autre contact).
customers-error-changed = Quelqu’un d’autre a enregistré entre-temps : voici sa version. Refaites votre modification si elle est toujours nécessaire.
customers-error-not-pending = Cette invitation n’est plus en attente : elle a été acceptée, révoquée, ou elle a expiré.
customers-contact-inactive = Ce contact est inactif : il ne peut pas être invité.
customers-code-withdrawn = Cette invitation ne peut plus être utilisée : votre entreprise de service a fermé ce compte ou ce contact. Adressez-vous à elle si vous avez besoin d’un accès.
customers-booking-account-inactive = Ce compte est inactif : aucune visite ne peut être réservée ni déplacée pour lui. Veuillez nous contacter.
invalid-country = Saisissez le code de pays à deux lettres (CA, US, FR…).
invalid-postal-code = Un code postal ne contient que des lettres, des chiffres, des espaces et des tirets.
