# Emails (crates/onsite-notify/templates/email). Shared parts first, then one group per kind.

email-footer = Sent by Onsite. This is an automatic message: replies are not read.
email-reference = Reference: { $reference }

## The test message staff send to check the mail settings.

email-test-subject = Onsite test message
email-test-heading = Email delivery works
email-test-intro = This is a test message from Onsite, sent to { $recipient } to check that email delivery is set up correctly.
email-test-no-action = You do not need to do anything.

## The invitation to the portal.

email-invitation-subject = Your invitation to the service portal
email-invitation-greeting = Hello { $name },
email-invitation-intro = You are invited to our service portal, where you can book, move and follow technician visits yourself.
email-invitation-steps = Open the portal, choose the "Redeem invitation" tab and enter the code below to create your account.
email-invitation-button = Redeem invitation
email-invitation-code-label = Your invitation code:
email-invitation-code = Your invitation code: { $code }
email-invitation-expires = The code works once and expires on { $date }.

## Password reset.

email-reset-subject = Reset your password
email-reset-intro = Someone asked to reset the password of your service portal account. Open this link to choose a new password:
email-reset-button = Choose a new password
email-reset-expires = The link works once, within { $minutes } minutes.
email-reset-not-you = If you did not ask for this, ignore this message: your password stays the same.

## Access given by an administrator (a new staff user, or access reset).

email-access-subject = Your service portal access
email-access-intro = { $name } gave you access to the service portal. Open this link to choose your password:
email-access-button = Choose your password
email-access-expires = The link works once, within { $hours } hours.
email-access-sign-in = Then sign in with { $email } and that password.

## A new opportunity distributed to a partner (to its portal users with the partner role).

email-offered-subject = New opportunity for you: { $opportunity }
email-offered-greeting = Hello { $name },
email-offered-intro = A new sales opportunity has been given to your company. Accept it in the partner portal to start working it.
email-offered-opportunity = Opportunity: { $opportunity }
email-offered-customer = Customer: { $customer }
email-offered-lead-type = Lead type: { $lead_type }
email-offered-revenue = Estimated revenue: { $amount }
email-offered-button = See the opportunity
email-offered-accept-by = Accept or decline it by { $date }: after that it goes to another partner.
email-offered-decline-hint = If you cannot take it, decline it with a reason so that it goes to another partner at once.
