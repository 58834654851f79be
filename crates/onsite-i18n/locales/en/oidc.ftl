# External sign-in (OpenID Connect): why a link or a sign-in did not go through.
# The ids are onsite_app::oidc::OidcError::reason().
oidc-error-unknown-provider = This sign-in provider is not available.
oidc-error-bad-request = This sign-in request is not valid. Please start again.
oidc-error-flow-expired = This sign-in attempt has expired or was already used. Please start again.
oidc-error-browser-mismatch = This sign-in was started in another browser or window. Please start again here.
oidc-error-link-session = Sign in to Onsite as the person who started linking, then link the identity again.
oidc-error-denied = The sign-in provider did not confirm your identity (it was cancelled or refused). Please try again.
oidc-error-provider-unavailable = The sign-in provider cannot be reached right now. Please try again later, or sign in with your password.
oidc-error-not-verified = Your identity could not be verified with the sign-in provider. Please try again.
oidc-error-not-linked = No Onsite account is linked to this identity. Sign in with your password, then link it from your profile under “Manage external authentication”.
oidc-error-linked-elsewhere = This identity is already linked to another Onsite account. Unlink it from that account first.
oidc-error-account-disabled = This Onsite account is disabled. Contact your administrator.
oidc-error-internal = Something went wrong on our side. Please try again.
