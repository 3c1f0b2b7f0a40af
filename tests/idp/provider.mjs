// The identity provider of the sign-in tests: oidc-provider (a certified OpenID Provider) on
// 127.0.0.1 with a few test accounts, its own login form (devInteractions: any password) and one
// client, the dashboard. Started by tests/test_browser_signin.py:
//   node tests/idp/provider.mjs PORT CLIENT_SECRET REDIRECT_URI
// It prints "ready" once it listens. Only for tests: never a real provider.
import Provider from 'oidc-provider';

const [port, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

// login name → claims; an account not listed signs in with no email (as a provider that leaves
// the email claim out of the ID token would)
const ACCOUNTS = {
  'viewer@example.com': { email: 'viewer@example.com', groups: [] },
  'lead@example.com': { email: 'lead@example.com', groups: [] },
  'nobody@example.com': { email: 'nobody@example.com', groups: [] },
  'grouped@example.com': { email: 'grouped@example.com', groups: ['sales-north'] },
};

const configuration = {
  clients: [{
    client_id: 'dashboard',
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    // Streamlit's st.logout sends the user back to its redirect_uri after the provider's sign-out
    post_logout_redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // Authlib reads the claims from the ID token only: put email and groups there
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  async findAccount(ctx, id) {
    const known = ACCOUNTS[id];
    return {
      accountId: id,
      async claims() {
        if (!known) return { sub: id, name: id };
        return { sub: id, name: id, email: known.email, email_verified: true, groups: known.groups };
      },
    };
  },
  // the dashboard is the organisation's own application: no consent screen after the login form
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => false },
  cookies: { keys: ['test-only-cookie-key'] },
};

const provider = new Provider(issuer, configuration);
// quiet: the warnings about development settings are expected here
provider.on('server_error', (ctx, err) => { process.stderr.write(`server_error: ${err}\n`); });
provider.listen(Number(port), '127.0.0.1', () => { process.stdout.write('ready\n'); });
