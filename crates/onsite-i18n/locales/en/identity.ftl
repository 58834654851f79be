# Identity: signing in, redeeming an invitation, the profile, passwords, external sign-in
# (crates onsite-app identity use cases and onsite-web pages).

## Messages of the identity use cases (onsite_app::identity::IdentityError::message_id)
identity-rate-limited = Too many attempts. Please wait a few minutes and try again.
identity-rate-limited-seconds = Too many attempts. Please wait { $count ->
        [one] one second
       *[other] { $count } seconds
    } and try again.
identity-rate-limited-minutes = Too many attempts. Please wait { $count ->
        [one] one minute
       *[other] { $count } minutes
    } and try again.
identity-bad-credentials = The email address or the password is not right.
identity-code-unknown = This invitation code is not right. Check it against your invitation email and try again.
identity-code-expired = This invitation code has expired. Ask your service company for a new invitation.
identity-code-used = This invitation code was already used, replaced by a newer invitation, or withdrawn. Sign in, or ask your service company for a new invitation.
identity-email-taken = An account with this email address already exists. Sign in instead, or use “Forgot password?”.
identity-account-inactive = This account is not active, so its contacts cannot be invited.
identity-already-has-account = This contact already has a portal account.
identity-already-invited = This address was already invited automatically; invite it by hand to send a new code.
identity-not-found = Not found.
identity-reset-invalid = This password reset link is not valid any more: it was used already, it expired, or it is mistyped.
identity-wrong-current-password = The current password is not right.
identity-own-admin-role = You cannot remove your own administrator role. Ask another administrator.
identity-own-account = You cannot disable your own user. Ask another administrator.
identity-admin-exists = This installation has an administrator already. Sign in, and create other users in the back office.
identity-account-disabled = This user is disabled. Enable them first.
identity-invalid-input = Some of what you entered is not valid.
password-too-short = Choose a password of at least 8 characters.
password-too-long = Choose a password of at most 128 characters.
password-too-common = This password is too common or too easy to guess. Choose another one, for example a few unrelated words.

## Web roles and staff roles
identity-role-self-scheduling = Self-scheduling
identity-role-fs-customer-reviewer = Customer reviewer
identity-role-fs-customer-approver = Customer approver
identity-role-partner = Partner
identity-role-technician = Technician
identity-role-dispatcher = Dispatcher
identity-role-admin = Administrator

## Sign-in page and its tabs
identity-sign-in-title = Sign in
identity-redeem-title = Redeem invitation
identity-tabs-label = Sign in or redeem an invitation
identity-tab-sign-in = Sign in
identity-tab-redeem = Redeem invitation
identity-email-label = Email
identity-password-label = Password
identity-sign-in-button = Sign in
identity-forgot-link = Forgot password?
identity-or-external = Or sign in with an account you linked:
identity-sign-in-with = Sign in with { $provider }
identity-new-here = New here? Your service company sent you an invitation code:
identity-email-required = Enter your email address.
identity-password-required = Enter a password.
identity-redeem-intro = Enter the invitation code from the email your service company sent you.
identity-code-label = Invitation code
identity-code-hint = For example 7KQ2M-XW9RD-… Capital letters and dashes are optional.
identity-code-required = Enter your invitation code.
identity-code-button = Continue
identity-redeem-choose-password = Your invitation is valid. Choose the password of your new account.
identity-invited-email-hint = The address the invitation was sent to; you sign in with it.
identity-new-password-label = New password
identity-confirm-password-label = Confirm the new password
identity-password-rules = At least 8 characters. A few unrelated words make a strong password that is easy to remember.
identity-passwords-differ = The two passwords are not the same.
identity-create-account-button = Create my account

## Confirmations after a redirect
identity-notice-signed-out = You are signed out.
identity-notice-password-reset = Your password is changed. Sign in with the new one.
identity-notice-profile-saved = Your profile is saved.
identity-notice-password-changed = Your password is changed. You are signed out everywhere else.
identity-notice-linked = The external account is linked. You can sign in with it from now on.
identity-notice-unlinked = The external account is unlinked.
identity-notice-roles-saved = The roles are saved.
identity-notice-user-created = The user is created. They got an email with a link to choose their password.
identity-notice-access-sent = A new link to choose a password is on its way to the user.
identity-notice-user-disabled = The user is disabled and signed out everywhere.
identity-notice-user-enabled = The user can sign in again.

## Forgot and reset password
identity-forgot-title = Forgot password
identity-forgot-intro = Enter the email address of your account. We will send you a link to choose a new password.
identity-forgot-button = Send the link
identity-forgot-sent = If an account uses this address, we have sent it a link to choose a new password. The link works for 60 minutes. Check your spam folder if it does not arrive.
identity-back-to-sign-in = Back to sign in
identity-reset-title = Choose a new password
identity-reset-button = Save the new password
identity-reset-ask-again = Ask for a new link

## Profile
identity-profile-title = Your profile
identity-profile-welcome-title = Create your profile
identity-profile-welcome-intro = Welcome! Your account is ready. Everything below is optional: fill in what helps us serve you, then save.
identity-profile-details = Your details
identity-name-label = Name
identity-phone-label = Phone
identity-language-label = Preferred language
identity-language-browser = The language of my browser
identity-time-zone-label = Time zone
identity-time-zone-account = The time zone of my service address
identity-notifications-legend = Notifications
identity-notify-email-label = Send me emails about my appointments
identity-profile-save = Save
identity-profile-save-continue = Save and continue
identity-change-password-title = Change password
identity-change-password-intro = Changing your password signs you out on every other device.
identity-current-password-label = Current password
identity-change-password-button = Change password

## Manage external authentication
identity-external-title = Manage external authentication
identity-external-intro = Link an account you already have elsewhere, and sign in with it instead of your password.
identity-external-none = No external account is linked yet.
identity-external-linked-at = linked on { $date }
identity-external-unlink = Unlink { $provider }
identity-external-link = Link { $provider }
identity-external-no-providers = Your service company has not set up any external sign-in.

## The one-time setup page of an empty installation.
identity-setup-title = Set up Onsite
identity-setup-intro = This installation has no administrator yet. Enter the setup code from the server's log (the line “setup code”), and your own email and password: you become its first administrator.
identity-setup-code-label = Setup code
identity-setup-name-label = Your name
identity-setup-button = Become the administrator
identity-setup-code-wrong = This is not the setup code the server logged. Copy it from the line “setup code” of the server's log.
