# Avis sur les visites terminées, le questionnaire, les réponses et moyennes du personnel, et la
# page des réglages du portail (issue 5).

feedback-send = Donner mon avis
feedback-title = Donner mon avis
feedback-intro = Comment s'est passée votre visite ? { $service } avec { $technician }, { $date }.
feedback-rating-label = Votre note globale
feedback-rating-hint = De 1 (mauvais) à 5 (excellent).
feedback-stars = { $stars } sur 5
feedback-comment-label = Commentaire
feedback-optional = facultatif
feedback-yes = Oui
feedback-no = Non
feedback-submit = Envoyer mon avis
feedback-thanks-title = Merci de votre avis
feedback-thanks-rating = Vous avez donné { $stars } sur 5 à cette visite.
feedback-back-home = Retour à vos rendez-vous
feedback-notice-sent = Merci : votre avis est envoyé.
feedback-your-rating = Votre note
feedback-fix-answers = Certaines réponses sont à revoir.

feedback-error-not-found = Cette visite n'existe pas, ou n'est pas l'une des vôtres.
feedback-error-disabled = Les avis ne sont pas recueillis en ce moment.
feedback-error-not-completed = Seule une visite terminée peut être notée.
feedback-error-already-sent = Un avis a déjà été envoyé pour cette visite.
feedback-error-invalid = Certaines réponses sont à revoir.
feedback-error-setting = Ce réglage est hors de sa plage.
feedback-error-tile-url = Le serveur de tuiles doit être une adresse http(s) contenant { "{z}" }, { "{x}" } et { "{y}" }, ou rester vide.
feedback-error-question-not-found = Cette question n'existe pas.
invalid-rating-range = Choisissez une note de 1 à 5.
invalid-yes-no = Répondez oui ou non.
invalid-month = Ce n'est pas un mois (AAAA-MM).

# Personnel : réponses et moyennes.
feedback-nav-staff = Avis
feedback-staff-title = Avis des clients
feedback-staff-intro = Ce que les clients ont dit de leurs visites terminées, et la note moyenne par technicien, par type de service et par mois.
feedback-filter-technician = Technicien
feedback-filter-service-type = Type de service
feedback-filter-month = Mois (AAAA-MM)
feedback-filter-all = Tous
feedback-filter-apply = Filtrer
feedback-averages = Notes moyennes
feedback-by-technician = Par technicien
feedback-by-service-type = Par type de service
feedback-by-month = Par mois
feedback-col-name = Nom
feedback-col-month = Mois
feedback-col-responses = Réponses
feedback-col-average = Moyenne
feedback-questions-heading = Questions du questionnaire
feedback-question-average = moyenne { $average } sur 5 ({ $count } réponses)
feedback-question-yes = { $yes } sur { $count } ont répondu oui
feedback-question-texts = { $count } réponses
feedback-responses-heading = Réponses, les plus récentes d'abord
feedback-none = Aucun avis pour l'instant.
feedback-newer = ← Réponses plus récentes
feedback-older = Réponses plus anciennes →
feedback-col-visit = Visite
feedback-col-customer = Client
feedback-col-technician = Technicien
feedback-col-rating = Note
feedback-col-comment = Commentaire
feedback-col-answers = Réponses
feedback-col-sent = Envoyé
feedback-retired-mark = (retirée)

# Administrateurs : le questionnaire.
feedback-survey-nav = Questionnaire
feedback-survey-title = Questionnaire d'avis
feedback-survey-intro = Les questions auxquelles les clients répondent avec leur note quand ils donnent leur avis sur une visite terminée. Une question retirée n'est plus posée ; les réponses déjà données sont conservées.
feedback-survey-questions = Questions posées
feedback-survey-empty = Aucune question : les clients donnent une note et un commentaire facultatif.
feedback-survey-retired = Questions retirées
feedback-survey-add = Ajouter une question
feedback-survey-kind = Type de réponse
feedback-kind-rating = Note de 1 à 5
feedback-kind-yes_no = Oui ou non
feedback-kind-text = Texte
feedback-survey-label-en = Question en anglais
feedback-survey-label-fr = Question en français (facultatif : la question anglaise est affichée sinon)
feedback-survey-required = Une réponse est obligatoire
feedback-survey-save = Enregistrer
feedback-survey-up = Monter
feedback-survey-down = Descendre
feedback-survey-retire = Retirer
feedback-survey-restore = Poser de nouveau
feedback-survey-notice-saved = Le questionnaire est enregistré.
feedback-required-mark = obligatoire

# Administrateurs : les réglages du portail.
feedback-portal-nav = Réglages du portail
feedback-portal-title = Réglages du portail
feedback-portal-intro = Le suivi en direct des techniciens en route, et les questionnaires d'avis après les visites terminées.
feedback-portal-tracking = Suivre mon technicien
feedback-portal-surveys = Avis
feedback-setting-tracking-enabled = Suivi en direct : les clients voient « Voir la carte en direct » pendant que leur technicien est en route
feedback-setting-tile-url = Adresse du serveur de tuiles de carte
feedback-setting-tile-url-hint = Une adresse http(s) avec { "{z}" }, { "{x}" } et { "{y}" } ; vide pour aucune tuile (les repères et l'heure d'arrivée s'affichent quand même).
feedback-setting-retention = Jours de conservation des positions des techniciens
feedback-setting-surveys = Questionnaires : les clients voient « Donner mon avis » sur les visites terminées
feedback-portal-save = Enregistrer les réglages
feedback-portal-notice-saved = Les réglages du portail sont enregistrés.

feedback-chart-title = Note moyenne par mois (sur 5)
feedback-chart-value = { $average } ({ $count ->
    [one] 1 réponse
   *[other] { $count } réponses
})
