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
