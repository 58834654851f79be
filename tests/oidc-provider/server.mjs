// A real OpenID Connect provider for Onsite's external sign-in tests: `oidc-provider` (the
// certified Node implementation) with one confidential client and a stand-in account model.
//
//   node server.mjs PORT        (or OIDC_PORT=PORT node server.mjs)
//
// Environment:
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET  the one registered client
//   OIDC_REDIRECT_URIS                  its redirect URIs, comma-separated
//   OIDC_EXIT_ON_STDIN_EOF=1            exit when stdin closes (for tests)
//
// Signing in needs no browser: the provider's built-in development interactions are plain HTML
// forms, so a test follows the redirects with a cookie jar and POSTs
//   prompt=login&login=NAME&password=anything   to /interaction/UID  (NAME becomes `sub`)
//   prompt=consent                              to /interaction/UID
// The account NAME has the email NAME@example.test (or NAME itself when it holds an @).
//
// Prints `listening on ISSUER` on stdout once it accepts connections. Loopback only.

import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? process.env.OIDC_PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node server.mjs PORT (or set OIDC_PORT)');
  process.exit(2);
}
const clientId = process.env.OIDC_CLIENT_ID;
const clientSecret = process.env.OIDC_CLIENT_SECRET;
const redirectUris = (process.env.OIDC_REDIRECT_URIS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
if (!clientId || !clientSecret || redirectUris.length === 0) {
  console.error('set OIDC_CLIENT_ID, OIDC_CLIENT_SECRET and OIDC_REDIRECT_URIS');
  process.exit(2);
}

const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // Any login name is an account; its subject is the name itself.
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: sub.includes('@') ? sub : `${sub}@example.test`, email_verified: true };
      },
    };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  // Put the scope's claims (email) in the ID token itself, as most providers do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['onsite-test-provider-cookie-key'] },
  features: { devInteractions: { enabled: true } },
});

// With OIDC_EXIT_ON_STDIN_EOF=1, quit when the parent's end of our stdin closes: a test killed
// before it could stop us does not leave us running.
if (process.env.OIDC_EXIT_ON_STDIN_EOF === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`listening on ${issuer}`);
});
server.on('error', (e) => {
  console.error(`cannot listen on ${issuer}: ${e.message}`);
  process.exit(1);
});
