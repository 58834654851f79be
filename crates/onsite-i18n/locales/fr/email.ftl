# E-mails (crates/onsite-notify/templates/email). Parties communes d’abord, puis un groupe par type.

email-footer = Envoyé par Onsite. Ceci est un message automatique : les réponses ne sont pas lues.
email-reference = Référence : { $reference }

## Le message de test que le personnel envoie pour vérifier les réglages d’e-mail.

email-test-subject = Message de test Onsite
email-test-heading = L’envoi des e-mails fonctionne
email-test-intro = Ceci est un message de test d’Onsite, envoyé à { $recipient } pour vérifier que l’envoi des e-mails est bien configuré.
email-test-no-action = Vous n’avez rien à faire.
