// A real OpenID Connect provider for the single sign-on tests: node's oidc-provider, with a login page of
// its own that asks for a user, a password and whether a second factor was used (the `amr` it reports).
// Accounts are read from the JSON file named by ACCOUNTS on every lookup, so a test can deactivate one.
//
//   PORT=9100 ISSUER=http://127.0.0.1:9100 ACCOUNTS=accounts.json CLIENT_ID=hpregister \
//   CLIENT_SECRET=… REDIRECT_URI=http://127.0.0.1:8000/oidc/callback/ node provider.js
import { readFileSync } from 'node:fs';
import Provider, { interactionPolicy } from 'oidc-provider';

const env = process.env;
const accounts = () => JSON.parse(readFileSync(env.ACCOUNTS, 'utf8'));
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// A session whose account was deactivated since must sign in again: without this check the library goes on to
// its consent prompt and fails there (a 500), where a real provider answers login_required (prompt=none).
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'account_deactivated', 'the account is deactivated', 'login_required',
  (ctx) => Boolean(ctx.oidc.session.accountId && !ctx.oidc.account),
));

const provider = new Provider(env.ISSUER, {
  clients: [{
    client_id: env.CLIENT_ID,
    client_secret: env.CLIENT_SECRET,
    redirect_uris: env.REDIRECT_URI.split(','),
    post_logout_redirect_uris: (env.LOGOUT_URI || env.REDIRECT_URI).split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
  }],
  claims: { openid: ['sub', 'amr', 'acr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'], groups: ['groups'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {  // the confirmation page without the library's web fonts (no internet in CI)
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.type = 'html';
        ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
          <body><main><h1>Sign out of the test identity provider?</h1>${form}
          <button type="submit" form="op.logoutForm" value="yes" name="logout" id="sign-out">Yes, sign me out</button>
          </main></body></html>`;
      },
    },
  },
  pkce: { required: () => false },
  cookies: { keys: ['test-only-cookie-key'] },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  async findAccount(ctx, sub) {
    const account = accounts()[sub];
    if (!account || account.active === false) return undefined;  // deactivated at the provider
    return { accountId: sub, async claims() { return { sub, ...account.claims } } };
  },
  async loadExistingGrant(ctx) {  // a first-party client: no consent screen
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.proxy = true;
provider.on('server_error', (ctx, err) => console.error('server_error', err));

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
      <body><main><h1>Test identity provider</h1>${ctx.query.error ? `<p role="alert">${escape(ctx.query.error)}</p>` : ''}
      <form method="post" action="/interaction/${details.uid}">
        <label>User <input name="login" id="login" autocomplete="username"></label>
        <label>Password <input name="password" id="password" type="password"></label>
        <label><input type="checkbox" name="mfa" id="mfa" value="1"> Second factor used</label>
        <button type="submit" id="sign-in">Sign in</button>
      </form></main></body></html>`;
    return undefined;
  }
  const body = await new Promise((resolve) => {
    let data = '';
    ctx.req.on('data', (chunk) => { data += chunk; });
    ctx.req.on('end', () => resolve(new URLSearchParams(data)));
  });
  const login = body.get('login');
  const account = accounts()[login];
  if (!account || account.active === false || body.get('password') !== account.password) {
    ctx.redirect(`/interaction/${details.uid}?error=${encodeURIComponent('Unknown user, wrong password or deactivated')}`);
    return undefined;
  }
  const amr = body.get('mfa') ? ['pwd', 'mfa'] : ['pwd'];
  await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: login, amr } }, { mergeWithLastSubmission: false });
  return undefined;
});

provider.listen(Number(env.PORT), '127.0.0.1', () => console.log(`oidc-provider ready on ${env.ISSUER}`));
