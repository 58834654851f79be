# Les pages des partenaires du back-office (crate onsite-web, staff/partners.rs ; onsite-app
# partners.rs) et les mots du journal d'audit pour les profils de partenaires.

partners-title = Partenaires
partners-intro = Les comptes partenaires et leurs profils de distribution : une occasion n'est offerte à un partenaire que s'il a de la place (occasions ouvertes sous sa capacité), si le revenu estimé est dans sa fourchette, si l'adresse du client est dans l'un de ses territoires, s'il travaille ce type de piste et couvre chaque produit.
partners-new-account = Nouveau compte partenaire
partners-none = Aucun compte partenaire pour l'instant.
partners-name-column = Partenaire
partners-revenue-column = Fourchette de revenu
partners-no-profile = Pas encore de profil de distribution : aucune occasion ne lui est offerte.

partner-account-link = Page du compte
partner-inactive = Compte inactif : aucune occasion ne lui est offerte.
partner-profile-heading = Profil de distribution
partner-profile-intro = Ce que le moteur de distribution vérifie avant d'offrir une occasion à ce partenaire. Un changement compte dès la prochaine distribution.
partner-profile-none = Ce partenaire n'a pas encore de profil de distribution : aucune occasion ne lui est offerte avant qu'un profil soit enregistré.
partner-capacity-label = Capacité (occasions ouvertes à la fois)
partner-revenue-min-label = Plus petit revenu estimé ($)
partner-revenue-max-label = Plus grand revenu estimé ($)
partner-territories-legend = Territoires
partner-territories-none = Aucun territoire pour l'instant.
partner-lead-types-legend = Types de piste
partner-lead-types-none = Aucun type de piste au catalogue pour l'instant.
partner-products-legend = Produits
partner-products-none = Aucun produit au catalogue pour l'instant.
partner-save-button = Enregistrer le profil
partner-error-changed = Quelqu'un d'autre a enregistré le profil de ce partenaire entre-temps. Le formulaire montre maintenant sa version : refaites votre modification.

invalid-below-minimum = C'est sous le plus petit montant.

audit-kind-partner_profile = Profil de partenaire
audit-action-partner_profile-update = A modifié le profil de distribution d'un partenaire

# Le formulaire d'opportunité (nouvelle opportunité du personnel, opportunité interne d'un partenaire).
partner-web-lead-type-choose = Choisissez un type de piste
