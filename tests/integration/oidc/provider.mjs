// A real OpenID Provider for the sign-in tests: the certified `oidc-provider` package (npm), on loopback.
// Usage: node provider.mjs PORT REDIRECT_URI. Prints "ready <issuer>" once it listens.
// Clients: "ctax-tests" (the app under test) and "another-service" (to mint tokens for a different audience).
// Accounts: any login works through the provider's development sign-in form; the login names below carry roles.
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const ACCOUNTS = {
  officer: { name: 'Olive Officer', roles: ['ctax-staff'] },
  operator: { name: 'Otto Operator', roles: ['ctax-ops', 'unrelated-group'] },
  visitor: { name: 'Vic Visitor', roles: ['canteen-menu-editors'] },  // proven, but no role in this service
};

const client = (id) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: [redirectUri],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
});

const provider = new Provider(issuer, {
  clients: [client('ctax-tests'), client('another-service')],
  pkce: { required: () => true },
  claims: { openid: ['sub', 'roles'], profile: ['name'] },
  conformIdTokenClaims: false, // put the profile and roles claims in the ID token, as Entra ID and Keycloak can
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, ...(ACCOUNTS[id] ?? { name: id }) }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['ctax-tests-cookie-key'] },
  ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
});
provider.proxy = false;

const server = provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
