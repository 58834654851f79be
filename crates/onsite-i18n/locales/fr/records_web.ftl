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
records-staff-parent-hint = L’identifiant de l’équipement dont celui-ci fait partie. Laissez vide pour un équipement principal.
records-staff-error-changed = Quelqu’un a enregistré ce dossier depuis que vous avez ouvert le formulaire : rien n’a été modifié. Rouvrez le dossier pour voir sa modification, puis faites la vôtre.
records-staff-lines-hint = Quantité, par exemple 1,5 ; prix unitaire dans la devise de la facture, par exemple 95,00 ; taux de taxe en pour cent, par exemple 14,975. Les lignes vides sont ignorées.
