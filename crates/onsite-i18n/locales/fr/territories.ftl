# Les pages des territoires du back-office (crate onsite-web, staff/territories.rs ; onsite-app
# territories.rs) et les mots du journal d'audit pour les territoires.

territories-nav = Territoires
territories-nav-label = Territoires et partenaires
territories-title = Territoires
territories-intro = Les zones que desservent techniciens et partenaires. Une adresse est dans un territoire quand son code postal commence par l'un de ses préfixes ou que son point est dans sa zone ; un compte est dans le premier territoire (le plus ancien) qui couvre son adresse, et le suit quand un territoire change.
territories-new = Nouveau territoire
territories-none = Aucun territoire pour l'instant.

territory-name-label = Nom
territory-prefixes-label = Préfixes de code postal
territory-prefixes-hint = Séparés par des virgules, des espaces ou des lignes, par exemple H2J, H2K. Lettres et chiffres seulement ; la casse et les espaces ne comptent pas.
territory-area-column = Zone
territory-area-points = { $points } points
territory-area-none = Aucune
territory-accounts-column = Comptes
territory-technicians-column = Techniciens
territory-partners-column = Partenaires
territory-area-legend = Zone sur la carte
territory-map-hint = Cliquez sur la carte pour ajouter un point ; faites glisser un point pour le déplacer, faites glisser ou cliquez un petit carré entre deux points pour en ajouter un à cet endroit ; sélectionnez un point, puis retirez-le avec le bouton ci-dessous.
territory-map-vertex = Point de la zone
territory-map-midpoint = Ajouter un point ici
territory-map-remove-point = Retirer le point sélectionné
territory-map-clear = Effacer la zone
territory-area-label = Points de la zone
territory-area-hint = Un point par ligne, la latitude puis la longitude, par exemple 45.52, -73.58. Au moins trois points ; le dernier rejoint le premier. Laissez vide pour aucune zone.
territory-save-button = Enregistrer le territoire

territory-members-heading = Qui s'y trouve
territory-customers-heading = Comptes clients ({ $count })
territory-customers-none = Aucun compte client n'est dans ce territoire.
territory-partner-accounts-heading = Comptes partenaires ({ $count })
territory-accounts-more = { $count } comptes en tout ; les 200 premiers de chaque sorte sont listés.
territory-technicians-heading = Techniciens qui le desservent ({ $count })
territory-technicians-none = Aucun technicien ne dessert ce territoire.
territory-partners-heading = Partenaires qui le desservent ({ $count })
territory-partners-none = Aucun partenaire ne dessert ce territoire.
territory-inactive = inactif

territory-remove-heading = Supprimer ce territoire
territory-remove-help = Rien ne fait référence à ce territoire : sa suppression est définitive (le journal d'audit garde ce qu'il était).
territory-remove-button = Supprimer le territoire
territory-remove-blocked = Un territoire peut être supprimé quand aucun compte n'y est et qu'aucun technicien ni partenaire ne le dessert.

territory-notice-created = Territoire créé.
territory-notice-deleted = Territoire supprimé.
territory-saved-accounts = { $moved ->
    [0] Aucun compte n'a changé de territoire.
    [one] 1 compte a changé de territoire ; { $joined } d'entre eux maintenant dans { $territory }.
   *[other] { $moved } comptes ont changé de territoire ; { $joined } d'entre eux maintenant dans { $territory }.
}
territory-saved-visits = { $technicians ->
    [one] Une adresse a quitté le territoire d'un technicien qui y a des visites prévues :
   *[other] Des adresses ont quitté les territoires de { $technicians } techniciens qui y ont des visites prévues :
} { $reassigned } visites confiées à un autre technicien à la même heure, { $flagged } en attente d'une nouvelle heure choisie par le client.
territory-error-taken = Un autre territoire porte ce nom : choisissez-en un autre.
territory-error-changed = Quelqu'un d'autre a enregistré ce territoire entre-temps. Le formulaire montre maintenant sa version : refaites votre modification.
territory-error-in-use = Ce territoire ne peut pas être supprimé tant que quelque chose y fait référence : { $accounts } comptes s'y trouvent, { $technicians } techniciens et { $partners } partenaires le desservent.

invalid-postal-prefix = Un préfixe de code postal a de 1 à 10 lettres et chiffres, par exemple H2J.
invalid-too-many-prefixes = Un territoire a au plus 200 préfixes de code postal.
invalid-prefixes-or-area = Donnez des préfixes de code postal ou tracez une zone (ou les deux).
invalid-area-line = Chaque ligne est un point : une latitude et une longitude avec un point décimal, par exemple 45.52, -73.58.
invalid-self-intersecting = Les côtés de la zone se croisent ou se touchent : déplacez les points pour qu'elle ait un seul intérieur.
invalid-too-many-vertices = Une zone a au plus 500 points.

audit-kind-territory = Territoire
audit-action-territory-create = A créé un territoire
audit-action-territory-update = A modifié un territoire
audit-action-territory-delete = A supprimé un territoire
