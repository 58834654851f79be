# E-mails (crates/onsite-notify/templates/email). Parties communes d’abord, puis un groupe par type.

email-footer = Envoyé par Onsite. Ceci est un message automatique : les réponses ne sont pas lues.
email-reference = Référence : { $reference }

## Le message de test que le personnel envoie pour vérifier les réglages d’e-mail.

email-test-subject = Message de test Onsite
email-test-heading = L’envoi des e-mails fonctionne
email-test-intro = Ceci est un message de test d’Onsite, envoyé à { $recipient } pour vérifier que l’envoi des e-mails est bien configuré.
email-test-no-action = Vous n’avez rien à faire.

## The invitation to the portal.

email-invitation-subject = Votre invitation au portail de service
email-invitation-greeting = Bonjour { $name },
email-invitation-intro = Vous êtes invité(e) sur notre portail de service, où vous pouvez réserver, déplacer et suivre vous-même les visites de nos techniciens.
email-invitation-steps = Ouvrez le portail, choisissez l'onglet « Utiliser une invitation » et saisissez le code ci-dessous pour créer votre compte.
email-invitation-button = Utiliser l'invitation
email-invitation-code-label = Votre code d'invitation :
email-invitation-code = Votre code d'invitation : { $code }
email-invitation-expires = Le code ne sert qu'une fois et expire le { $date }.

## Password reset.

email-reset-subject = Réinitialiser votre mot de passe
email-reset-intro = Quelqu'un a demandé à réinitialiser le mot de passe de votre compte du portail de service. Ouvrez ce lien pour choisir un nouveau mot de passe :
email-reset-button = Choisir un nouveau mot de passe
email-reset-expires = Le lien ne sert qu'une fois, dans les { $minutes } minutes.
email-reset-not-you = Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste le même.

## Accès donné par un administrateur (nouvel utilisateur du personnel, ou accès réinitialisé).

email-access-subject = Votre accès au portail de service
email-access-intro = { $name } vous a donné accès au portail de service. Ouvrez ce lien pour choisir votre mot de passe :
email-access-button = Choisir votre mot de passe
email-access-expires = Le lien ne sert qu'une fois, dans les { $hours } heures.
email-access-sign-in = Connectez-vous ensuite avec { $email } et ce mot de passe.

## A new opportunity distributed to a partner (to its portal users with the partner role).

email-offered-subject = Nouvelle opportunité pour vous : { $opportunity }
email-offered-greeting = Bonjour { $name },
email-offered-intro = Une nouvelle opportunité de vente a été confiée à votre entreprise. Acceptez-la dans le portail partenaire pour commencer à la travailler.
email-offered-opportunity = Opportunité : { $opportunity }
email-offered-customer = Client : { $customer }
email-offered-lead-type = Type de piste : { $lead_type }
email-offered-revenue = Revenu estimé : { $amount }
email-offered-button = Voir l'opportunité
email-offered-accept-by = Acceptez-la ou refusez-la avant le { $date } : passé ce délai, elle ira à un autre partenaire.
email-offered-decline-hint = Si vous ne pouvez pas la prendre, refusez-la en indiquant la raison : elle ira aussitôt à un autre partenaire.
