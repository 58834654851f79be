# Les pages des dossiers clients (issue 6) : les mots propres aux pages web. Ceux des dossiers
# (colonnes, statuts, filtres, approbations) sont dans records.ftl.

records-web-pages = Pages
records-web-decide-title = Votre décision
records-web-back-to-invoice = Retour à la facture
records-web-notice-estimate-approved = Vous avez approuvé le devis. L’entreprise de service en est informée.
records-web-notice-estimate-rejected = Vous avez refusé le devis. L’entreprise de service en est informée.
records-web-notice-renewal-approved = Vous avez approuvé le renouvellement. L’entreprise de service en est informée.
records-web-notice-renewal-rejected = Vous avez refusé le renouvellement. L’entreprise de service en est informée.
records-web-yes = Oui
records-web-no = Non
records-web-notice-record-saved = Enregistré.

## Les pages des dossiers côté personnel (répartiteurs et administrateurs)
records-staff-nav = Dossiers
records-staff-col-id = Identifiant
records-staff-new-component = Ajouter un composant
records-staff-section-skills = Compétences requises
records-staff-none = Aucun
records-staff-change-account = Choisir un autre compte
records-staff-choose-account-intro = Pour quel client ? Cherchez par le nom du compte, ou par le nom ou l’adresse courriel d’un contact, puis choisissez le compte.
records-staff-choose-account-search = Compte, contact ou courriel
records-staff-choose-account-none = Aucun compte ne correspond à cette recherche.
records-staff-choose-account-more = D’autres comptes correspondent : tapez davantage du nom pour réduire la liste.
records-staff-choose-account-inactive = inactif
records-staff-choose-account-unknown = Ce compte n’existe pas (ou plus) : choisissez de nouveau le compte. Rien n’a été enregistré.
records-staff-error-changed = Quelqu’un a enregistré ce dossier depuis que vous avez ouvert le formulaire : rien n’a été modifié. Rouvrez le dossier pour voir sa modification, puis faites la vôtre.
records-staff-lines-hint = Quantité, par exemple 1,5 ; prix unitaire dans la devise de la facture, par exemple 95,00 ; taux de taxe en pour cent, par exemple 14,975. Les lignes vides sont ignorées.
