# Partner distribution on the web (crates/onsite-web: pages/opportunities.rs, pages/partner.rs,
# api/opportunities.rs): the staff opportunity pages and the explanation, the distribution
# settings, and the partner portal. Criteria, metrics, statuses and stages are in
# distribution.ftl.

## Navigation and confirmations
partner-web-nav-staff-opportunities = Opportunités
partner-web-nav-settings = Réglages de distribution
partner-web-nav-opportunities = Vos opportunités
partner-web-home-card-title = Opportunités
partner-web-home-card-text = Les opportunités de vente pour les partenaires : voyez pourquoi chaque partenaire est classé où il est, et distribuez-les.
partner-web-notice-created = L'opportunité est créée. Distribuez-la ci-dessous.
partner-web-notice-distributed = L'opportunité est distribuée. Le partenaire est prévenu par e-mail.
partner-web-notice-settings-saved = Les réglages de distribution sont enregistrés.
partner-web-notice-accepted = Vous avez accepté l'opportunité. Elle est maintenant en cours.
partner-web-notice-declined = Vous avez refusé l'opportunité. Elle part chez un autre partenaire.
partner-web-notice-stage-saved = L'étape est enregistrée.
partner-web-notice-note-added = Votre note est ajoutée.
partner-web-notice-closed-won = Clôturée gagnée. Bravo !
partner-web-notice-closed-lost = Clôturée perdue. Elle est retournée.
partner-web-notice-feedback-added = Votre commentaire est ajouté.
partner-web-notice-internal-created = Votre opportunité est enregistrée. Elle est en cours.

## Words shared by the pages
partner-web-age-minutes = { $count ->
        [0] moins d'une minute
        [one] 1 minute
       *[other] { $count } minutes
    }
partner-web-age-hours = { $count ->
        [one] 1 heure
       *[other] { $count } heures
    }
partner-web-age-days = { $count ->
        [one] 1 jour
       *[other] { $count } jours
    }
partner-web-age-ago = il y a { $age }
partner-web-internal = Trouvée par le partenaire (interne)
partner-web-no-partner = Aucun partenaire
partner-web-no-products = Aucun
partner-web-came-back = Revenue : aucun partenaire disponible
partner-web-came-back-long = { $count ->
        [one] Un partenaire a décliné cette opportunité et aucun autre n'était disponible : elle vous est revenue. Distribuez-la de nouveau quand un partenaire pourra la prendre.
       *[other] { $count } partenaires ont décliné cette opportunité et aucun autre n'était disponible : elle vous est revenue. Distribuez-la de nouveau quand un partenaire pourra la prendre.
    }
partner-web-coordinates = Coordonnées
partner-web-created = Créée
partner-web-distributed-at = Distribuée
partner-web-accepted-at = Acceptée
partner-web-closed-at = Clôturée
partner-web-back-to-list = Retour aux opportunités

## Table columns
partner-web-col-opportunity = Opportunité
partner-web-col-status = Statut
partner-web-col-partner = Partenaire
partner-web-col-revenue = Revenu estimé
partner-web-col-lead-type = Type de piste
partner-web-col-age = Âge
partner-web-col-expires = L'offre expire
partner-web-col-received = Reçue
partner-web-col-accept-by = À accepter avant
partner-web-col-rank = Rang
partner-web-col-score = Score
partner-web-col-action = Distribuer
partner-web-col-metric = Indicateur
partner-web-col-value = Valeur
partner-web-col-weight = Poids
partner-web-col-contribution = Contribution
partner-web-col-basis = Sur la base de
partner-web-col-why-excluded = Pourquoi il n'est pas disponible

## Staff: the list
partner-web-staff-list-title = Opportunités
partner-web-staff-list-intro = Les opportunités de vente et où en est chacune : les nouvelles à distribuer, celles offertes à un partenaire en attendant qu'il accepte, et celles en cours ou clôturées.
partner-web-staff-new-button = Nouvelle opportunité
partner-web-staff-tabs = Opportunités par statut
partner-web-staff-list-empty = Rien sous « { $status } » pour le moment.
partner-web-staff-list-caption = Opportunités : { $status }
partner-web-staff-list-truncated = Les { $total } opportunités de cette liste sont trop nombreuses pour être affichées d'un coup : voici les plus récentes.
partner-web-staff-back = Retour aux opportunités

## Staff: the opportunity form (and a partner's internal opportunity)
partner-web-staff-new-title = Nouvelle opportunité
partner-web-staff-new-intro = Décrivez la piste. L'emplacement du client décide quels territoires de partenaires la couvrent et à quelle distance se trouve chaque partenaire.
partner-web-internal-title = Nouvelle opportunité interne
partner-web-internal-intro = Une opportunité que votre entreprise a trouvée elle-même. Elle est à vous et en cours tout de suite ; elle ne compte pas dans votre capacité.
partner-web-form-where = Où se trouve le client
partner-web-form-where-hint = Donnez les coordonnées de l'adresse du client, ou choisissez le territoire où il se trouve.
partner-web-latitude = Latitude
partner-web-longitude = Longitude
partner-web-territory = Ou un point du territoire
partner-web-territory-none = Aucun territoire : j'ai donné les coordonnées
partner-web-revenue-label = Revenu estimé (CAD)
partner-web-form-create = Créer l'opportunité
partner-web-invalid-amount = Saisissez un montant en dollars, par exemple 12500 ou 12 500,50.
partner-web-invalid-latitude = Saisissez une latitude entre -90 et 90, par exemple 45,52.
partner-web-invalid-longitude = Saisissez une longitude entre -180 et 180, par exemple -73,58.
partner-web-location-required = Donnez les coordonnées, ou choisissez un territoire.
partner-web-territory-no-area = Ce territoire n'est défini que par des codes postaux : donnez les coordonnées.

## Staff: one opportunity and the explanation
partner-web-staff-distributed-to = Distribuée à { $partner }.
partner-web-staff-offer-expires = L'offre expire le { $date } si elle n'est pas acceptée ; elle part alors chez le partenaire suivant.
partner-web-staff-held-by = Partenaire : { $partner }.
partner-web-explanation-title = Pourquoi chaque partenaire est classé où il est
partner-web-explanation-counts = { $available ->
        [0] Aucun partenaire n'est disponible.
        [one] Un partenaire est disponible.
       *[other] { $available } partenaires sont disponibles.
    }
partner-web-explanation-considered = { $considered ->
        [one] Un partenaire a été examiné.
       *[other] { $considered } partenaires ont été examinés.
    }
partner-web-explanation-how = Les partenaires disponibles sont classés par leur score : la somme, sur les indicateurs, de valeur × poids. Un poids positif récompense les valeurs élevées, un poids négatif les valeurs basses, 0 désactive un indicateur. Les indicateurs d'historique couvrent les 180 derniers jours et sont pondérés par la moyenne de tous les partenaires : un partenaire avec peu d'historique n'est ni favorisé ni délaissé.
partner-web-explanation-weights-link = Modifier les poids
partner-web-distribute-top = Distribuer au premier partenaire
partner-web-distribute-this = Distribuer à ce partenaire
partner-web-ranked-title = Partenaires disponibles, du meilleur au moins bon
partner-web-ranked-none = Aucun partenaire n'est disponible pour cette opportunité : voyez pourquoi ci-dessous.
partner-web-why-rank = Pourquoi { $partner } est classé
partner-web-why-rank-number = numéro { $rank }
partner-web-score-caption = Le score de { $partner }, indicateur par indicateur
partner-web-metric-off = Non compté : son poids est 0.
partner-web-basis-measured = Mesurée de l'adresse du partenaire à celle du client.
partner-web-basis-own = Le sien : { $own } sur { $what } ; pondéré par la moyenne de tous les partenaires, { $average }.
partner-web-basis-none = Pas encore d'historique : la moyenne de tous les partenaires, { $average }.
partner-web-count-finished = { $count ->
        [one] 1 opportunité terminée
       *[other] { $count } opportunités terminées
    }
partner-web-count-closed = { $count ->
        [one] 1 opportunité clôturée
       *[other] { $count } opportunités clôturées
    }
partner-web-count-accepted = { $count ->
        [one] 1 opportunité acceptée
       *[other] { $count } opportunités acceptées
    }
partner-web-count-answers = { $count ->
        [one] 1 offre répondue ou échue
       *[other] { $count } offres répondues ou échues
    }
partner-web-excluded-title = Partenaires non disponibles
partner-web-excluded-none = Tous les partenaires sont disponibles.

## Staff: distribution settings (administrators)
partner-web-settings-title = Réglages de distribution
partner-web-settings-intro = Comment les opportunités sont distribuées aux partenaires : le poids de chaque indicateur de classement, la distribution automatique des nouvelles opportunités, et le délai dont un partenaire dispose pour en accepter une.
partner-web-settings-weights = Poids du classement
partner-web-settings-weights-hint = Un poids positif récompense les valeurs élevées, un poids négatif les valeurs basses ; 0 désactive l'indicateur.
partner-web-settings-distribution = Distribution
partner-web-settings-automatic = Distribuer automatiquement les nouvelles opportunités
partner-web-settings-automatic-hint = Les nouvelles opportunités partent tout de suite chez le premier partenaire disponible ; celles que personne ne peut prendre sont retentées régulièrement.
partner-web-settings-accept-hours = Heures dont un partenaire dispose pour accepter une opportunité
partner-web-settings-range = Entre { $min } et { $max }
partner-web-settings-range-whole = Un nombre entier de { $min } à { $max }
partner-web-settings-on-off = Activé ou désactivé
partner-web-settings-on = activé
partner-web-settings-off = désactivé
partner-web-settings-default = par défaut { $value }
partner-web-settings-save = Enregistrer les réglages

## The partner portal
partner-web-portal-title = Vos opportunités
partner-web-portal-intro = Les opportunités de vente distribuées à votre entreprise. Acceptez ou refusez les nouvelles avant la fin du délai, puis faites-les avancer d'étape en étape et clôturez-les gagnées ou perdues.
partner-web-portal-tabs = Vos opportunités par état
partner-web-portal-empty = Rien sous « { $tab } » pour le moment.
partner-web-portal-caption = Vos opportunités : { $tab }
partner-web-my-metrics-title = Vos indicateurs
partner-web-my-metrics-intro = Sur les { $days } derniers jours. Les opportunités sont distribuées aux partenaires selon ces indicateurs, entre autres.
partner-web-my-none = Pas encore d'historique
partner-web-my-rate = { $value } ({ $num } sur { $what })
partner-web-my-days = { $value } (sur { $what })
partner-web-offer-title = Accepter ou refuser
partner-web-offer-intro = Acceptez-la avant le { $date }, sinon elle part chez un autre partenaire.
partner-web-accept = Accepter
partner-web-decline-reason = Pourquoi vous la refusez
partner-web-decline = Refuser
partner-web-work-title = Faire avancer l'opportunité
partner-web-stage-save = Enregistrer l'étape
partner-web-note-add = Ajouter la note
partner-web-won-title = Gagnée
partner-web-lost-title = Perdue (retournée)
partner-web-feedback-optional = Commentaire (facultatif)
partner-web-lost-reason = Pourquoi elle a été perdue
partner-web-close-won = Clôturer gagnée
partner-web-close-lost = Clôturer perdue
partner-web-feedback-title = Commentaire
partner-web-feedback-add = Ajouter le commentaire
partner-web-history-title = Historique
partner-web-history-none = Rien ne s'est encore passé.
partner-web-contributions-chart-title = Le score de chaque partenaire, en contributions de ses critères (à droite : l’augmentent ; à gauche : le diminuent)
