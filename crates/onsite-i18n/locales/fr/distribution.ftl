# Partner distribution (SPEC §9): the staff distribution page, the partner portal and their
# errors (crates/onsite-app/src/distribution). Criteria and metrics follow onsite-distribute's
# Criterion::as_str / Metric::as_str with "_" written "-".

## Why a partner is not available for an opportunity.

distribution-criterion-passed-over = A déjà refusé cette opportunité ou l'a laissée expirer.
distribution-criterion-capacity = Capacité atteinte : { $open } { $open ->
        [one] opportunité ouverte
       *[other] opportunités ouvertes
    } sur { $capacity }.
distribution-criterion-revenue-below-min = Le revenu estimé, { $revenue }, est sous son minimum de { $limit }.
distribution-criterion-revenue-above-max = Le revenu estimé, { $revenue }, dépasse son maximum de { $limit }.
# Le montant d’une opportunité (les opportunités sont en dollars canadiens).
distribution-money = { $amount } $
distribution-criterion-territory = { $territories ->
        [0] Il n'a aucun territoire.
        [one] Son territoire ne couvre pas l'adresse du client.
       *[other] Aucun de ses { $territories } territoires ne couvre l'adresse du client.
    }
distribution-criterion-lead-type = Ne traite pas les pistes de type { $lead_type }.
distribution-criterion-missing-product = Ne couvre pas { $product }.

## The ranking metrics and how their values read.

distribution-metric-distance = Distance
distribution-metric-win-rate = Taux de réussite
distribution-metric-return-rate = Taux de retour
distribution-metric-feedback-rate = Taux de commentaires
distribution-metric-stall-rate = Taux de stagnation
distribution-metric-touch-rate = Taux de réponse rapide
distribution-metric-avg-days-to-close = Délai moyen de clôture
distribution-value-km = { $value } km
distribution-value-percent = { $value } %
distribution-value-days = { $value } jours

## Opportunity statuses, sales stages and the partner portal's lists.

distribution-status-new = Nouvelle
distribution-status-distributed = Distribuée
distribution-status-in-progress = En cours
distribution-status-won = Gagnée
distribution-status-lost = Perdue (retournée)
distribution-stage-qualify = Qualification
distribution-stage-develop = Développement
distribution-stage-propose = Proposition
distribution-stage-negotiate = Négociation
distribution-filter-new = Nouvelles
distribution-filter-accepted = Acceptées
distribution-filter-in-progress = En cours
distribution-filter-closed = Clôturées
distribution-filter-all = Toutes

## An opportunity's history in the partner portal.

distribution-event-distributed = Confiée à vous
distribution-event-accepted = Acceptée
distribution-event-declined = Refusée
distribution-event-expired = Expirée : non acceptée à temps
distribution-event-touched = Note
distribution-event-stage = Passée à une nouvelle étape
distribution-event-won = Clôturée gagnée
distribution-event-lost = Clôturée perdue (retournée)
distribution-event-feedback = Commentaires

## What was attempted, for the "cannot … now" error.

distribution-action-distribute = distribuer
distribution-action-accept = accepter
distribution-action-decline = refuser
distribution-action-set-stage = changer l'étape de
distribution-action-add-note = ajouter une note à
distribution-action-close = clôturer
distribution-action-add-feedback = ajouter des commentaires à

## Form fields.

distribution-field-name = Nom
distribution-field-customer-name = Client
distribution-field-postal-code = Code postal
distribution-field-estimated-revenue = Revenu estimé
distribution-field-lead-type = Type de piste
distribution-field-products = Produits
distribution-field-reason = Raison
distribution-field-note = Note
distribution-field-feedback = Commentaires
distribution-field-stage = Étape
distribution-field-filter = Liste
invalid-lead-type = Un type de piste ne peut pas contenir de virgule.

## Errors.

distribution-error-not-found = Cette opportunité n'existe pas ou n'est pas la vôtre.
distribution-error-illegal-move = Vous ne pouvez pas { $action } cette opportunité maintenant : elle est { $status }.
distribution-error-expired = Le délai pour accepter cette opportunité est passé : elle va à un autre partenaire.
distribution-error-unknown-partner = Ce compte n'est pas un partenaire actif qui peut recevoir des opportunités.
distribution-error-unavailable = Ce partenaire n'est pas disponible pour cette opportunité : { $reason }
distribution-error-no-partner = Aucun partenaire n'est disponible pour cette opportunité.
distribution-error-invalid = { $field } : { $reason }
distribution-setting-unknown = { $setting } n'est pas un réglage de distribution.
distribution-setting-not-bool = { $setting } doit être activé ou désactivé.
distribution-setting-integer-range = { $setting } doit être un nombre entier entre { $min } et { $max }.
distribution-setting-decimal-range = { $setting } doit être un nombre entre { $min } et { $max }.
