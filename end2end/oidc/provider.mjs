// Test OpenID Provider for Secrets Vault integration (Rust) and Playwright tests.
//
// Built on panva's `oidc-provider` (a certified OP). Run: `node end2end/oidc/provider.mjs`.
// Listens on 127.0.0.1 only; plain HTTP; in-memory state; not for production use.
//
// Environment:
//   OP_PORT      port to listen on (default 0 = any free port).
//   OP_CLIENTS   JSON array of confidential clients, e.g.
//                [{"client_id":"vault","client_secret":"s3cret",
//                  "redirect_uris":["http://127.0.0.1:3111/auth/oidc/test/callback"]}]
//                Defaults per client: grant_types [authorization_code], response_types [code],
//                token_endpoint_auth_method client_secret_basic (client_secret_post is accepted
//                too), require_auth_time true. Any other client metadata in the entry wins.
//                PKCE (S256) is required for every client.
//   OP_ACCOUNTS  JSON array [{"email","password","email_verified","name","sub"?}]; `sub`
//                defaults to "sub-" + first 16 hex chars of sha256(email); email_verified defaults to
//                true; the email match at login is case-insensitive. Defaults: see ACCOUNTS.
//   OP_TAMPER    one of aud|iss|nonce|exp|sig|amr: the token endpoint's id_token is re-signed
//                (RS256, same kid) with aud="someone-else" | iss=issuer+"/evil" |
//                nonce="not-the-nonce" | iat 2h ago & exp 1h ago | a key that is NOT in the JWKS |
//                amr=["pwd","otp"] (what a provider that also asked for a one-time code says;
//                signed with its published key, so a genuine answer, not a tampered one).
//
// Stdout: exactly one line once listening: {"issuer":"http://127.0.0.1:<port>"}. Logs -> stderr.
// Scopes: openid email profile; claims: sub, email, email_verified, name (also in the ID token).
// Login page: GET /interaction/:uid (form POST /interaction/:uid/login, fields email, password).
// Consent is never shown: the consent prompt is granted automatically.
// Cookies: op_session, op_interaction, op_interaction_resume (+ .sig); HttpOnly, SameSite=Lax,
// not Secure. The ID token carries auth_time (clients default to require_auth_time).
// Test hooks: GET /test/health -> "ok"; POST /test/rotate-keys -> {"kid"} (new RSA key first
// in the JWKS, old key kept; the Provider instance is rebuilt in-process, sessions survive).
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';

// oidc-provider prints notices with console.info; keep stdout for the startup line only.
console.log = console.info = console.error;

const parseEnv = (name, fallback) => {
  const raw = process.env[name];
  return raw ? JSON.parse(raw) : fallback;
};

const CLIENTS = parseEnv('OP_CLIENTS', []).map((c) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  require_auth_time: true,
  ...c,
}));

const ACCOUNTS = parseEnv('OP_ACCOUNTS', [
  { email: 'alice@acme.test', password: 'alice-pass', email_verified: true, name: 'Alice' },
  { email: 'bob@acme.test', password: 'bob-pass', email_verified: true, name: 'Bob' },
  { email: 'eve@elsewhere.test', password: 'eve-pass', email_verified: true, name: 'Eve' },
  { email: 'unverified@acme.test', password: 'unverified-pass', email_verified: false, name: 'Unverified' },
  { email: 'admin@vault.test', password: 'admin-pass', email_verified: true, name: 'Demo Admin' },
]).map((a) => ({
  ...a,
  sub: a.sub ?? `sub-${createHash('sha256').update(a.email).digest('hex').slice(0, 16)}`,
}));

const TAMPER = process.env.OP_TAMPER || '';
if (TAMPER && !['aud', 'iss', 'nonce', 'exp', 'sig', 'amr'].includes(TAMPER)) {
  throw new Error(`OP_TAMPER must be one of aud, iss, nonce, exp, sig, amr (got ${TAMPER})`);
}

const newSigningKey = () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `key-${randomBytes(8).toString('hex')}`;
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
};

let signingKeys = [newSigningKey()]; // first key signs; all are published at /jwks
const rogueKey = TAMPER === 'sig' ? newSigningKey() : null; // never published
const COOKIE_KEYS = [randomBytes(32).toString('hex')];

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function tamperIdToken(idToken, issuer) {
  const header = decodeProtectedHeader(idToken);
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (TAMPER === 'aud') claims.aud = 'someone-else';
  if (TAMPER === 'iss') claims.iss = `${issuer}/evil`;
  if (TAMPER === 'nonce') claims.nonce = 'not-the-nonce';
  if (TAMPER === 'exp') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  if (TAMPER === 'amr') claims.amr = ['pwd', 'otp'];
  const jwk = TAMPER === 'sig' ? rogueKey : signingKeys.find((k) => k.kid === header.kid);
  return new SignJWT(claims).setProtectedHeader(header).sign(await importJWK(jwk, header.alg));
}

function buildProvider(issuer) {
  const provider = new Provider(issuer, {
    clients: CLIENTS,
    jwks: { keys: signingKeys },
    // Not Secure-only (plain http); prefixed so they never collide with the app's cookies on
    // 127.0.0.1 (cookies ignore ports).
    cookies: {
      keys: COOKIE_KEYS,
      names: { session: 'op_session', interaction: 'op_interaction', resume: 'op_interaction_resume' },
    },
    // The library defaults, as numbers so it does not log a notice for each.
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 3600, Session: 14 * 86400, Grant: 14 * 86400 },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false, // put scope claims in the ID token, not only at userinfo
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const account = ACCOUNTS.find((a) => a.sub === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          const { email, email_verified = true, name } = account;
          return { sub, email, email_verified, ...(name === undefined ? {} : { name }) };
        },
      };
    },
  });
  provider.proxy = false;
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  if (TAMPER) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
        ctx.body = { ...ctx.body, id_token: await tamperIdToken(ctx.body.id_token, issuer) };
      }
    });
  }
  return provider;
}

function loginPage(uid, message = '', email = '') {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test Provider – Sign in</title></head>
<body><main>
<h1>Test Provider – Sign in</h1>
${message ? `<p role="alert" id="op-error">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(encodeURIComponent(uid))}/login">
  <p><label for="op-email">Email</label>
  <input id="op-email" name="email" type="email" autocomplete="username" value="${escapeHtml(email)}" required></p>
  <p><label for="op-password">Password</label>
  <input id="op-password" name="password" type="password" autocomplete="current-password" required></p>
  <button type="submit">Sign in at the provider</button>
</form>
</main></body></html>
`;
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 65536) throw new Error('request body too large');
  }
  return new URLSearchParams(body);
}

// Grant everything the consent prompt asks for (plus openid email profile): no consent page.
async function autoConsent(provider, details) {
  const { prompt: { details: missing }, params, session } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  grant.addOIDCScope(['openid email profile', ...(missing.missingOIDCScope ?? [])].join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return { consent: details.grantId ? {} : { grantId } };
}

async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'text/plain', 'interaction mismatch\n');
  if (details.prompt.name === 'consent') {
    const result = await autoConsent(provider, details);
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }
  if (details.prompt.name !== 'login') {
    return send(res, 400, 'text/plain', `unsupported prompt ${details.prompt.name}\n`);
  }
  if (action === 'show') return send(res, 200, 'text/html; charset=utf-8', loginPage(uid));
  const form = await readForm(req);
  const email = form.get('email') ?? '';
  const account = ACCOUNTS.find((a) => a.email.toLowerCase() === email.trim().toLowerCase() && a.password === form.get('password'));
  if (!account) {
    return send(res, 200, 'text/html; charset=utf-8', loginPage(uid, 'Wrong email or password.', email));
  }
  const result = { login: { accountId: account.sub } };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

let provider;
let callback;
const server = http.createServer(async (req, res) => {
  try {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    let m;
    if (req.method === 'GET' && pathname === '/test/health') return send(res, 200, 'text/plain', 'ok');
    if (req.method === 'POST' && pathname === '/test/rotate-keys') {
      const key = newSigningKey();
      signingKeys = [key, ...signingKeys];
      provider = buildProvider(provider.issuer);
      callback = provider.callback();
      console.error(`rotated signing keys; new kid ${key.kid}`);
      return send(res, 200, 'application/json', JSON.stringify({ kid: key.kid }));
    }
    if (req.method === 'GET' && (m = pathname.match(/^\/interaction\/([^/]+)$/))) {
      return await interaction(provider, req, res, decodeURIComponent(m[1]), 'show');
    }
    if (req.method === 'POST' && (m = pathname.match(/^\/interaction\/([^/]+)\/login$/))) {
      return await interaction(provider, req, res, decodeURIComponent(m[1]), 'login');
    }
    return callback(req, res);
  } catch (err) {
    const message = `${err.name}: ${err.error_description ?? err.message}`;
    console.error(err.statusCode < 500 ? message : err);
    if (!res.headersSent) send(res, err.statusCode ?? 500, 'text/plain', `${message}\n`);
    else res.end();
  }
});

server.listen(Number(process.env.OP_PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = buildProvider(issuer);
  callback = provider.callback();
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
  console.error(`test OpenID Provider listening at ${issuer}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
