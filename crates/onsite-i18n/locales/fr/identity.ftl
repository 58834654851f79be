# Identité : connexion, invitation, profil, mots de passe, connexion externe
# (cas d’usage d’onsite-app et pages d’onsite-web).

## Messages des cas d’usage (onsite_app::identity::IdentityError::message_id)
identity-rate-limited = Trop de tentatives. Patientez quelques minutes, puis réessayez.
identity-rate-limited-seconds = Trop de tentatives. Patientez { $count ->
        [one] une seconde
       *[other] { $count } secondes
    }, puis réessayez.
identity-rate-limited-minutes = Trop de tentatives. Patientez { $count ->
        [one] une minute
       *[other] { $count } minutes
    }, puis réessayez.
identity-bad-credentials = L’adresse e-mail ou le mot de passe n’est pas correct.
identity-code-unknown = Ce code d’invitation n’est pas correct. Comparez-le avec votre e-mail d’invitation et réessayez.
identity-code-expired = Ce code d’invitation a expiré. Demandez une nouvelle invitation à votre entreprise de service.
identity-code-used = Ce code d’invitation a déjà été utilisé, remplacé par une invitation plus récente, ou retiré. Connectez-vous, ou demandez une nouvelle invitation à votre entreprise de service.
identity-email-taken = Un compte existe déjà avec cette adresse e-mail. Connectez-vous plutôt, ou utilisez « Mot de passe oublié ? ».
identity-account-inactive = Ce compte n’est pas actif : ses contacts ne peuvent pas être invités.
identity-already-has-account = Ce contact a déjà un compte sur le portail.
identity-already-invited = Cette adresse a déjà été invitée automatiquement ; invitez-la manuellement pour envoyer un nouveau code.
identity-not-found = Introuvable.
identity-reset-invalid = Ce lien de réinitialisation n’est plus valable : il a déjà servi, il a expiré, ou il est mal recopié.
identity-wrong-current-password = Le mot de passe actuel n’est pas correct.
identity-own-admin-role = Vous ne pouvez pas retirer votre propre rôle d’administrateur. Demandez-le à un autre administrateur.
identity-own-account = Vous ne pouvez pas désactiver votre propre utilisateur. Demandez-le à un autre administrateur.
identity-admin-exists = Cette installation a déjà un administrateur. Connectez-vous, et créez les autres utilisateurs dans l’arrière-boutique.
identity-account-disabled = Cet utilisateur est désactivé. Réactivez-le d’abord.
identity-invalid-input = Une partie de ce que vous avez saisi n’est pas valable.
password-too-short = Choisissez un mot de passe d’au moins 8 caractères.
password-too-long = Choisissez un mot de passe d’au plus 128 caractères.
password-too-common = Ce mot de passe est trop courant ou trop facile à deviner. Choisissez-en un autre, par exemple quelques mots sans rapport entre eux.

## Rôles web et rôles du personnel
identity-role-self-scheduling = Prise de rendez-vous
identity-role-fs-customer-reviewer = Consultation client
identity-role-fs-customer-approver = Approbation client
identity-role-partner = Partenaire
identity-role-technician = Technicien
identity-role-dispatcher = Répartiteur
identity-role-admin = Administrateur

## Page de connexion et ses onglets
identity-sign-in-title = Se connecter
identity-redeem-title = Accepter l’invitation
identity-tabs-label = Se connecter ou accepter une invitation
identity-tab-sign-in = Se connecter
identity-tab-redeem = Accepter l’invitation
identity-email-label = Adresse e-mail
identity-password-label = Mot de passe
identity-sign-in-button = Se connecter
identity-forgot-link = Mot de passe oublié ?
identity-or-external = Ou connectez-vous avec un compte que vous avez lié :
identity-sign-in-with = Se connecter avec { $provider }
identity-new-here = Nouveau ? Votre entreprise de service vous a envoyé un code d’invitation :
identity-email-required = Saisissez votre adresse e-mail.
identity-password-required = Saisissez un mot de passe.
identity-redeem-intro = Saisissez le code d’invitation reçu dans l’e-mail de votre entreprise de service.
identity-code-label = Code d’invitation
identity-code-hint = Par exemple 7KQ2M-XW9RD-… Majuscules et tirets facultatifs.
identity-code-required = Saisissez votre code d’invitation.
identity-code-button = Continuer
identity-redeem-choose-password = Votre invitation est valable. Choisissez le mot de passe de votre nouveau compte.
identity-invited-email-hint = L’adresse à laquelle l’invitation a été envoyée ; vous vous connectez avec elle.
identity-new-password-label = Nouveau mot de passe
identity-confirm-password-label = Confirmez le nouveau mot de passe
identity-password-rules = Au moins 8 caractères. Quelques mots sans rapport entre eux font un mot de passe solide et facile à retenir.
identity-passwords-differ = Les deux mots de passe ne sont pas identiques.
identity-create-account-button = Créer mon compte

## Confirmations après une redirection
identity-notice-signed-out = Vous êtes déconnecté.
identity-notice-password-reset = Votre mot de passe est changé. Connectez-vous avec le nouveau.
identity-notice-profile-saved = Votre profil est enregistré.
identity-notice-password-changed = Votre mot de passe est changé. Vous êtes déconnecté partout ailleurs.
identity-notice-linked = Le compte externe est lié. Vous pouvez désormais vous connecter avec lui.
identity-notice-unlinked = Le compte externe n’est plus lié.
identity-notice-roles-saved = Les rôles sont enregistrés.
identity-notice-user-created = L’utilisateur est créé. Il a reçu un e-mail avec un lien pour choisir son mot de passe.
identity-notice-access-sent = Un nouveau lien pour choisir un mot de passe part vers l’utilisateur.
identity-notice-user-disabled = L’utilisateur est désactivé et déconnecté partout.
identity-notice-user-enabled = L’utilisateur peut de nouveau se connecter.

## Mot de passe oublié et réinitialisation
identity-forgot-title = Mot de passe oublié
identity-forgot-intro = Saisissez l’adresse e-mail de votre compte. Nous vous enverrons un lien pour choisir un nouveau mot de passe.
identity-forgot-button = Envoyer le lien
identity-forgot-sent = Si un compte utilise cette adresse, nous lui avons envoyé un lien pour choisir un nouveau mot de passe. Le lien est valable 60 minutes. Vérifiez vos courriers indésirables s’il n’arrive pas.
identity-back-to-sign-in = Retour à la connexion
identity-reset-title = Choisir un nouveau mot de passe
identity-reset-button = Enregistrer le nouveau mot de passe
identity-reset-ask-again = Demander un nouveau lien

## Profil
identity-profile-title = Votre profil
identity-profile-welcome-title = Créez votre profil
identity-profile-welcome-intro = Bienvenue ! Votre compte est prêt. Tout ce qui suit est facultatif : indiquez ce qui nous aide à vous servir, puis enregistrez.
identity-profile-details = Vos coordonnées
identity-name-label = Nom
identity-phone-label = Téléphone
identity-language-label = Langue préférée
identity-language-browser = La langue de mon navigateur
identity-time-zone-label = Fuseau horaire
identity-time-zone-account = Le fuseau horaire de mon adresse de service
identity-notifications-legend = Notifications
identity-notify-email-label = M’envoyer des e-mails sur mes rendez-vous
identity-profile-save = Enregistrer
identity-profile-save-continue = Enregistrer et continuer
identity-change-password-title = Changer de mot de passe
identity-change-password-intro = Changer votre mot de passe vous déconnecte sur tous vos autres appareils.
identity-current-password-label = Mot de passe actuel
identity-change-password-button = Changer de mot de passe

## Gérer l’authentification externe
identity-external-title = Gérer l’authentification externe
identity-external-intro = Liez un compte que vous avez ailleurs, et connectez-vous avec lui au lieu de votre mot de passe.
identity-external-none = Aucun compte externe n’est encore lié.
identity-external-linked-at = lié le { $date }
identity-external-unlink = Délier { $provider }
identity-external-link = Lier { $provider }
identity-external-no-providers = Votre entreprise de service n’a configuré aucune connexion externe.

## La page de mise en service d'une installation vide.
identity-setup-title = Mettre en service Onsite
identity-setup-intro = Cette installation n'a pas encore d'administrateur. Saisissez le code de mise en service du journal du serveur (la ligne « setup code »), votre adresse e-mail et votre mot de passe : vous en devenez le premier administrateur.
identity-setup-code-label = Code de mise en service
identity-setup-name-label = Votre nom
identity-setup-button = Devenir l’administrateur
identity-setup-code-wrong = Ce n'est pas le code de mise en service du journal du serveur. Copiez-le depuis la ligne « setup code » du journal.
