# Emails (crates/onsite-notify/templates/email). Shared parts first, then one group per kind.

email-footer = Sent by Onsite. This is an automatic message: replies are not read.
email-reference = Reference: { $reference }

## The test message staff send to check the mail settings.

email-test-subject = Onsite test message
email-test-heading = Email delivery works
email-test-intro = This is a test message from Onsite, sent to { $recipient } to check that email delivery is set up correctly.
email-test-no-action = You do not need to do anything.
