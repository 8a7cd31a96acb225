// A real OpenID provider for Uptake's tests: panva/oidc-provider (OpenID Certified), with
// its own development login and consent pages. Everything comes from the environment:
//   PORT            where to listen on 127.0.0.1 (0: any free port)
//   CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS, POST_LOGOUT_REDIRECT_URIS (comma-separated)
//   ACCOUNTS        JSON: {"login": {"email": ..., "name": ..., "groups": [...]}}
//   CONFORM_ID_TOKEN_CLAIMS=1  the e-mail, name and groups from userinfo only
// Prints "listening <issuer>" once it serves. The development login page takes the account's
// login and any password: the test signs in as one of ACCOUNTS.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const env = process.env;
const list = (value) => (value || '').split(',').filter(Boolean);
const accounts = JSON.parse(env.ACCOUNTS || '{}');
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'jwk' });

const server = http.createServer();
server.listen(Number(env.PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: env.CLIENT_ID,
      client_secret: env.CLIENT_SECRET,
      redirect_uris: list(env.REDIRECT_URIS),
      post_logout_redirect_uris: list(env.POST_LOGOUT_REDIRECT_URIS),
      response_types: ['code'],
      grant_types: ['authorization_code'],
    }],
    jwks: { keys: [{ ...signingKey, kid: `key-${Date.now()}`, use: 'sig', alg: 'RS256' }] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    // Claims in the ID token itself, as Entra ID and Okta can be set to send them; with
    // CONFORM_ID_TOKEN_CLAIMS=1, only from userinfo, as the specification has it.
    conformIdTokenClaims: env.CONFORM_ID_TOKEN_CLAIMS === '1',
    cookies: { keys: ['uptake-test-provider'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email_verified: true, groups: [], ...account };
        },
      };
    },
  });
  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
