# Un répartiteur déplace une visite vers une autre heure ou un autre technicien.
moves-title = Déplacer la visite { $number }
moves-intro = { $service } pour { $account }, actuellement avec { $technician } le { $when }.
moves-technician = Technicien
moves-technician-inactive = { $name } (inactif)
moves-date = Date
moves-time = Heure ({ $zone })
moves-zone-note = Les heures sont en { $zone }.
moves-check = Vérifier
moves-move = Déplacer
moves-move-anyway = Déplacer quand même
moves-override-reason = Motif de la dérogation
moves-override-hint = Les heures de travail, les congés et le temps de trajet peuvent faire l'objet d'une dérogation motivée, qui est consignée.
moves-verdict-heading = Vérification
moves-back = Retour au tableau
moves-summary-clear = La visite peut être déplacée à cet endroit.
moves-summary-refused = La visite ne peut pas être déplacée à cet endroit.
moves-summary-overridable = La visite ne peut être déplacée à cet endroit qu'avec un motif de dérogation.
moves-notice-moved = La visite a été déplacée ; le client a reçu la nouvelle heure par courriel.
moves-unchanged = La visite a déjà ce technicien et cette heure : rien n'a changé.
moves-moved = Visite déplacée vers { $technician } le { $when } ; le client a été prévenu par courriel.
moves-not-scheduled = Seule une visite planifiée peut être déplacée ; celle-ci est { $state }.
moves-unknown-technician = Choisissez un technicien dans la liste.
moves-reason-too-long = Le motif de la dérogation est trop long.
moves-invalid-time = Saisissez une date et une heure valides.
moves-skill-at-least = { $skill } ≥ { $rating }
moves-reason-lacks-skill = { $name } n'a pas { $skills }
moves-reason-overlap = { $travel ->
    [0] chevauche la visite de { $time }
   *[other] chevauche la visite de { $time }, trajet de { $travel } min compris
}
moves-reason-outside-hours = en dehors des heures de travail de { $name }
moves-reason-time-off = { $name } est en congé
moves-reason-territory = { $name } ne dessert pas le territoire de cette adresse
moves-reason-inactive = { $name } est inactif
moves-reason-not-a-user = { $name } n'est pas une personne réservable pour des visites
moves-reason-past = la nouvelle heure est déjà passée
moves-reason-travel-after = pas assez de temps de trajet après la visite de { $time } ({ $needed } min nécessaires, { $available } disponibles)
moves-reason-travel-before = pas assez de temps de trajet avant la visite de { $time } ({ $needed } min nécessaires, { $available } disponibles)
moves-reason-travel-from-home = pas assez de temps de trajet depuis le point de départ pendant les heures de travail ({ $needed } min nécessaires, { $available } disponibles)
moves-reason-travel-to-home = pas assez de temps de trajet pour revenir au point de départ pendant les heures de travail ({ $needed } min nécessaires, { $available } disponibles)
moves-overridable = dérogation possible
