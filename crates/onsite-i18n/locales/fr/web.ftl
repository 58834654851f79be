# La coque web : gabarit, page d’accueil, sélecteur de langue, pages d’erreur (crate onsite-web).

## Gabarit
web-skip-to-content = Aller au contenu principal
web-nav-label = Principale
web-nav-home = Accueil Onsite
web-nav-sign-in = Se connecter
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
web-error-forbidden = Vous n’êtes pas autorisé à faire ceci.
web-error-conflict = Ceci entre en conflit avec un élément existant. Rechargez la page et réessayez.
web-error-unavailable = Onsite ne peut pas répondre pour le moment. Veuillez réessayer dans un instant.
web-error-internal = Une erreur inattendue s’est produite de notre côté. Elle a été enregistrée.
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
