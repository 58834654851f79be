# Connexion externe (OpenID Connect) : pourquoi une association ou une connexion a échoué.
# Les identifiants sont onsite_app::oidc::OidcError::reason().
oidc-error-unknown-provider = Ce fournisseur de connexion n’est pas disponible.
oidc-error-bad-request = Cette demande de connexion n’est pas valide. Veuillez recommencer.
oidc-error-flow-expired = Cette tentative de connexion a expiré ou a déjà été utilisée. Veuillez recommencer.
oidc-error-browser-mismatch = Cette connexion a été commencée dans un autre navigateur ou une autre fenêtre. Veuillez recommencer ici.
oidc-error-link-session = Connectez-vous à Onsite avec le compte qui a commencé l’association, puis associez de nouveau l’identité.
oidc-error-denied = Le fournisseur de connexion n’a pas confirmé votre identité (annulation ou refus). Veuillez réessayer.
oidc-error-provider-unavailable = Le fournisseur de connexion est injoignable pour le moment. Réessayez plus tard ou connectez-vous avec votre mot de passe.
oidc-error-not-verified = Votre identité n’a pas pu être vérifiée auprès du fournisseur de connexion. Veuillez réessayer.
oidc-error-not-linked = Aucun compte Onsite n’est associé à cette identité. Connectez-vous avec votre mot de passe, puis associez-la depuis votre profil, sous « Gérer l’authentification externe ».
oidc-error-linked-elsewhere = Cette identité est déjà associée à un autre compte Onsite. Dissociez-la d’abord de ce compte.
oidc-error-account-disabled = Ce compte Onsite est désactivé. Contactez votre administrateur.
oidc-error-internal = Une erreur s’est produite de notre côté. Veuillez réessayer.
