# Dossiers clients : contrats, équipements, bons de travail, factures, approbations (SPEC §8,
# ticket 6).

## Nombres et montants

# Un montant dans la devise de la facture : « 1 234,56 CAD ».
records-money = { $amount } { $currency }
records-percent = { $value }{"\u00A0"}%

## Navigation et titres

records-nav-field-service = Service sur site
records-nav-agreements = Contrats
records-nav-assets = Équipements
records-nav-work-orders = Bons de travail
records-nav-invoices = Factures
records-asset-tree = Vue en arborescence
records-asset-list = Vue en liste
records-print = Imprimer
records-back-to-list = Retour à la liste

## Listes

records-search-label = Rechercher
records-search-placeholder = Numéro, nom, produit ou numéro de série
records-search-button = Rechercher
records-filter-label = Afficher
records-sort-label = Trier par
records-order-asc = Croissant
records-order-desc = Décroissant
records-page-next = Suivant
records-page-prev = Précédent
records-empty = Rien à afficher ici.
records-empty-search = Aucun résultat pour « { $search } ».
records-see-all = Tout voir

records-filter-agreements-active = Actifs
records-filter-agreements-expired = Expirés
records-filter-agreements-all = Tous les contrats
records-filter-agreements-awaiting-approval = En attente d’approbation
records-filter-work-orders-active = Actifs
records-filter-work-orders-inactive = Inactifs
records-filter-work-orders-all = Tous les bons de travail
records-filter-work-orders-awaiting-approval = En attente d’approbation
records-filter-assets-all = Tous les équipements
records-filter-assets-top-level = Équipements principaux
records-filter-invoices-active = Actives
records-filter-invoices-inactive = Inactives
records-filter-invoices-all = Toutes les factures

records-sort-agreements-number = Numéro
records-sort-agreements-name = Nom
records-sort-agreements-ends = Date de fin
records-sort-work-orders-number = Numéro
records-sort-work-orders-opened = Date d’ouverture
records-sort-work-orders-status = Statut
records-sort-assets-name = Nom
records-sort-assets-product = Produit
records-sort-assets-added = Date d’ajout
records-sort-invoices-number = Numéro
records-sort-invoices-issued = Date de facture
records-sort-invoices-due = Date d’échéance
records-sort-invoices-status = Statut

## Colonnes et champs

records-col-number = Numéro
records-col-name = Nom
records-col-status = Statut
records-col-account = Compte
records-col-period = Période
records-col-starts = Date de début
records-col-ends = Date de fin
records-col-description = Description
records-col-summary = Résumé
records-col-service-type = Type de service
records-col-asset = Équipement
records-col-agreement = Contrat
records-col-work-order = Bon de travail
records-col-bookings = Rendez-vous
records-col-opened = Ouvert le
records-col-product = Produit
records-col-serial = Numéro de série
records-col-parent = Équipement parent
records-col-master = Équipement principal
records-col-components = Composants
records-col-issued = Date de facture
records-col-due = Date d’échéance
records-col-currency = Devise
records-col-quantity = Quantité
records-col-unit-price = Prix unitaire
records-col-tax-rate = Taux de taxe
records-col-net = Montant HT
records-col-tax = Taxe
records-col-total = Total
records-col-exposed = Visible par le client
records-period = du { $start } au { $end }
records-none = —

## Statuts

records-work-order-status-estimate-pending = Devis en attente d’approbation
records-work-order-status-unscheduled = Non planifié
records-work-order-status-scheduled = Planifié
records-work-order-status-in-progress = En cours
records-work-order-status-completed = Terminé
records-work-order-status-posted = Comptabilisé
records-work-order-status-canceled = Annulé
records-agreement-status-draft = Brouillon
records-agreement-status-active = Actif
records-agreement-status-renewal-pending = Renouvellement en attente d’approbation
records-agreement-status-expired = Expiré
records-agreement-status-canceled = Annulé
records-invoice-status-draft = Brouillon
records-invoice-status-issued = Émise
records-invoice-status-paid = Payée
records-invoice-status-canceled = Annulée
records-visit-state-scheduled = Planifiée
records-visit-state-traveling = En route
records-visit-state-in-progress = En cours
records-visit-state-completed = Terminée
records-visit-state-canceled = Annulée

## Pages de détail

records-section-details = Détails
records-section-covers = Ce qu’il couvre
records-section-covered-assets = Équipements
records-section-covered-services = Services
records-section-visits = Visites
records-section-work-orders = Bons de travail
records-section-invoices = Factures
records-section-history = Historique
records-section-components = Composants
records-section-lines = Lignes
records-section-taxes = Taxes
records-section-totals = Totaux
records-section-decisions = Décisions
records-covers-none = Aucun bon de travail pour ce contrat pour l’instant.
records-no-visits = Aucune visite pour l’instant.
records-tax-row = Taxe à { $rate }
records-total-net = Sous-total
records-total-tax = Taxes
records-total-gross = Total
records-invoice-print-title = Facture { $number }

records-history-opened = Bon de travail ouvert
records-history-status = Statut passé de « { $from } » à « { $to } »
records-history-status-set = Statut : { $to }
records-history-approved = Devis approuvé
records-history-rejected = Devis refusé
records-history-exposed = Rendu visible au client
records-history-hidden = Masqué au client
records-history-edited = Détails modifiés
records-history-visit-booked = Visite réservée
records-history-visit = Visite : { $state }
records-history-by = par { $name }

## Approbations

records-approval-estimate-waiting = Ce devis attend votre approbation.
records-approval-renewal-waiting = Le renouvellement de ce contrat attend votre approbation. S’il est approuvé, il couvre la période du { $start } au { $end }.
records-approve = Approuver
records-reject = Refuser
records-comment-label = Commentaire
records-comment-hint = Obligatoire pour refuser.
records-decided-approved = Approuvé par { $name } le { $date }
records-decided-rejected = Refusé par { $name } le { $date }
records-done-estimate-approved = Devis approuvé. L’entreprise de service a été prévenue.
records-done-estimate-rejected = Devis refusé. L’entreprise de service a été prévenue.
records-done-renewal-approved = Renouvellement approuvé : le contrat court maintenant jusqu’au { $date }.
records-done-renewal-rejected = Renouvellement refusé. Le contrat reste actif jusqu’à sa fin.

## Personnel

records-staff-new-agreement = Nouveau contrat
records-staff-new-asset = Nouvel équipement
records-staff-new-work-order = Nouveau bon de travail
records-staff-new-invoice = Nouvelle facture
records-staff-edit = Modifier
records-staff-save = Enregistrer
records-staff-expose = Rendre visible au client
records-staff-hide = Masquer au client
records-staff-saved = Enregistré.
records-staff-add-line = Ajouter une ligne
records-staff-number-hint = Laissez vide pour le numéroter automatiquement.

## Erreurs

records-error-not-found = Ce dossier n’existe pas, ou n’est pas partagé avec vous.
records-error-not-allowed = Votre rôle ne le permet pas.
records-error-changed = Ce dossier a changé depuis que vous l’avez ouvert. Consultez-le de nouveau, puis décidez.
records-error-already-decided = Une décision a déjà été enregistrée.
records-error-not-pending = Plus rien n’attend de décision ici.
records-error-number-taken = Un autre dossier porte déjà ce numéro.
records-error-cursor = Ce lien de page n’est plus valide. Recommencez à la première page.
records-error-list-option = Cette liste ne peut pas être affichée ainsi.
records-error-search-too-long = Recherchez au plus 100 caractères.
records-error-comment-required = Veuillez indiquer la raison du refus.
records-error-comment-too-long = Le commentaire est trop long (2 000 caractères au plus).
records-error-number-required = Saisissez un numéro.
records-error-number = Le numéro tient sur une ligne de 40 caractères au plus.
records-error-name-required = Saisissez un nom.
records-error-name = Les noms, produits et numéros de série tiennent sur une ligne de 200 caractères au plus.
records-error-text-too-long = Le texte est trop long.
records-error-status = Choisissez un statut dans la liste.
records-error-date = Saisissez la date au format AAAA-MM-JJ.
records-error-date-order = La date de fin ne peut pas précéder la date de début.
records-error-account = Choisissez un compte client.
records-error-parent-cycle = Un équipement ne peut pas être un composant de lui-même ni de l’un de ses composants.
records-error-reference = Le dossier lié doit exister et appartenir au même compte.
records-error-currency = Saisissez un code de devise de trois lettres, par exemple CAD.
records-error-lines = Trop de lignes (200 au plus).
records-error-line = Chaque ligne demande une description, une quantité supérieure à zéro, un prix unitaire dans la devise de la facture et un taux de taxe de 0 à 100 %.
records-error-invalid = Une partie de ce que vous avez saisi n’est pas valide.

## Courriel au personnel sur une décision

records-email-subject-estimate-approved = Devis approuvé : { $number } ({ $account })
records-email-subject-estimate-rejected = Devis refusé : { $number } ({ $account })
records-email-subject-renewal-approved = Renouvellement approuvé : { $number } ({ $account })
records-email-subject-renewal-rejected = Renouvellement refusé : { $number } ({ $account })
records-email-intro-estimate-approved = { $name } a approuvé le devis du bon de travail { $number } pour { $account }.
records-email-intro-estimate-rejected = { $name } a refusé le devis du bon de travail { $number } pour { $account }.
records-email-intro-renewal-approved = { $name } a approuvé le renouvellement du contrat { $number } pour { $account }.
records-email-intro-renewal-rejected = { $name } a refusé le renouvellement du contrat { $number } pour { $account }.
records-email-outcome-estimate-approved = Le bon de travail est maintenant non planifié : il peut être réservé.
records-email-outcome-estimate-rejected = Le bon de travail est annulé.
records-email-outcome-renewal-approved = Le contrat est renouvelé jusqu’au { $date }.
records-email-outcome-renewal-rejected = Le contrat n’est pas renouvelé : il reste actif jusqu’à sa fin.
records-email-greeting = Bonjour { $name },
records-email-greeting-anonymous = Bonjour,
records-email-label-work-order = Bon de travail
records-email-label-agreement = Contrat
records-email-label-title = Objet
records-email-label-account = Client
records-email-label-decided-by = Décidé par
records-email-label-decided-at = Quand
records-email-line = { $label } : { $value }
records-email-comment = Son commentaire :
records-email-action = Ouvrir le dossier :
records-email-button = Ouvrir le dossier
