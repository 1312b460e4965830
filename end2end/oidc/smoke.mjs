// Smoke test for the test OpenID Provider (provider.mjs): `node end2end/oidc/smoke.mjs`.
// Drives the provider like a non-JavaScript client (fetch, manual redirects, a cookie jar)
// and checks the contract the Rust and Playwright tests rely on. Exits non-zero on failure.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  compactVerify, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify,
} from 'jose';

const PROVIDER = fileURLToPath(new URL('./provider.mjs', import.meta.url));
const CLIENT = { client_id: 'vault', client_secret: 's3cret', redirect_uris: ['http://127.0.0.1:9/cb'] };
const REDIRECT = CLIENT.redirect_uris[0];
const ALICE_SUB = `sub-${createHash('sha256').update('alice@acme.test').digest('hex').slice(0, 16)}`;

let failures = 0;
let secureCookies = 0;
function check(name, ok, detail = '') {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${ok || !detail ? '' : ` -- ${detail}`}`);
  if (!ok) failures += 1;
}

function startProvider(env = {}) {
  const child = spawn(process.execPath, [PROVIDER], {
    env: { ...process.env, OP_CLIENTS: JSON.stringify([CLIENT]), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0]).issuer);
    });
    exited.then((code) => reject(new Error(`provider exited early (${code})`)));
  });
  return {
    ready,
    async stop() {
      child.kill('SIGTERM');
      return { code: await exited, stdout };
    },
  };
}

// Minimal cookie jar honouring cookie paths and deletion.
function newJar() {
  const cookies = new Map();
  return {
    header(url) {
      const { pathname } = new URL(url);
      return [...cookies.values()].filter((c) => pathname.startsWith(c.path))
        .map((c) => `${c.name}=${c.value}`).join('; ');
    },
    store(res) {
      for (const line of res.headers.getSetCookie()) {
        if (/;\s*secure\b/i.test(line)) secureCookies += 1;
        const [pair, ...attrs] = line.split(';').map((s) => s.trim());
        const i = pair.indexOf('=');
        const c = { name: pair.slice(0, i), value: pair.slice(i + 1), path: '/' };
        let expired = false;
        for (const a of attrs) {
          const [k, v = ''] = a.split('=');
          if (k.toLowerCase() === 'path') c.path = v;
          if (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now()) expired = true;
          if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
        }
        if (expired) cookies.delete(`${c.name};${c.path}`);
        else cookies.set(`${c.name};${c.path}`, c);
      }
    },
  };
}

// Request on the provider, following its redirects until an HTML page or the client's redirect URI.
async function browse(jar, url, init = {}) {
  for (let hops = 0; hops < 20; hops += 1) {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header(url) } });
    jar.store(res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.href.startsWith(REDIRECT)) return { callback: next };
      url = next.href;
      init = {};
      continue;
    }
    return { url, status: res.status, html: await res.text() };
  }
  throw new Error('too many redirects');
}

function authUrl(issuer, extra = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const params = {
    response_type: 'code',
    client_id: CLIENT.client_id,
    redirect_uri: REDIRECT,
    scope: 'openid email profile',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  };
  return { url: `${issuer}/auth?${new URLSearchParams(params)}`, params, verifier };
}

const isLoginPage = (page) => page.status === 200 && page.html?.includes('<title>Test Provider – Sign in</title>')
  && page.html.includes('id="op-email"') && page.html.includes('id="op-password"')
  && page.html.includes('type="password"') && page.html.includes('Sign in at the provider');

async function submitLogin(jar, page, email, password) {
  const action = new URL(page.html.match(/<form method="post" action="([^"]+)"/)[1].replaceAll('&amp;', '&'), page.url);
  return browse(jar, action.href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
  });
}

async function token(issuer, code, verifier, method = 'basic') {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (method === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${CLIENT.client_id}:${CLIENT.client_secret}`).toString('base64')}`;
  } else {
    body.set('client_id', CLIENT.client_id);
    body.set('client_secret', CLIENT.client_secret);
  }
  const res = await fetch(`${issuer}/token`, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json() };
}

// Full sign-in: authorize, log in (if asked), exchange the code. Returns the token response.
async function signIn(issuer, jar, { email = 'alice@acme.test', password = 'alice-pass', extra = {}, method } = {}) {
  const auth = authUrl(issuer, extra);
  let step = await browse(jar, auth.url);
  const sawLogin = isLoginPage(step);
  if (sawLogin) step = await submitLogin(jar, step, email, password);
  if (!step.callback) throw new Error(`no redirect to the client: ${step.status} ${step.html?.slice(0, 300)}`);
  const cb = step.callback.searchParams;
  const tok = await token(issuer, cb.get('code'), auth.verifier, method);
  return { auth, cb, sawLogin, tok, claims: tok.json.id_token ? decodeJwt(tok.json.id_token) : {} };
}

async function main() {
  const op = startProvider();
  const issuer = await op.ready;
  check('startup line is {"issuer":"http://127.0.0.1:<port>"}', /^http:\/\/127\.0\.0\.1:\d+$/.test(issuer), issuer);
  check('GET /test/health', (await (await fetch(`${issuer}/test/health`)).text()) === 'ok');

  // 1. discovery
  const disco = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  check('1 discovery issuer matches', disco.issuer === issuer, disco.issuer);
  check('1 discovery code_challenge_methods_supported has S256', disco.code_challenge_methods_supported?.includes('S256'));
  const jwks = createRemoteJWKSet(new URL(disco.jwks_uri));

  // 2. authorization request -> login page -> alice -> redirect URI with code and state
  const jar = newJar();
  const auth = authUrl(issuer);
  const page = await browse(jar, auth.url);
  check('2 authorization request shows the login page', isLoginPage(page), page.html?.slice(0, 200));
  const done = await submitLogin(jar, page, 'alice@acme.test', 'alice-pass');
  check('2 login redirects to the client without a consent page', !!done.callback, done.html?.slice(0, 300));
  const cb = done.callback?.searchParams;
  check('2 callback carries code and state', !!cb?.get('code') && cb.get('state') === auth.params.state);

  // 3. token exchange (client_secret_basic + code_verifier)
  const tok = await token(issuer, cb.get('code'), auth.verifier);
  check('3 token endpoint returns an id_token', tok.status === 200 && !!tok.json.id_token, JSON.stringify(tok.json));
  const c = decodeJwt(tok.json.id_token);
  check('3 id_token iss/aud/nonce', c.iss === issuer && c.aud === CLIENT.client_id && c.nonce === auth.params.nonce, JSON.stringify(c));
  check('3 id_token email/email_verified/name', c.email === 'alice@acme.test' && c.email_verified === true && c.name === 'Alice', JSON.stringify(c));
  check('3 id_token sub is stable (sub-<sha256(email)[:16]>)', c.sub === ALICE_SUB, c.sub);
  check('3 id_token verifies against the JWKS', await jwtVerify(tok.json.id_token, jwks, { issuer, audience: CLIENT.client_id }).then(() => true, (e) => e.message));
  const me = await (await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${tok.json.access_token}` } })).json();
  check('3 userinfo returns the same sub and email', me.sub === ALICE_SUB && me.email === 'alice@acme.test', JSON.stringify(me));

  // 4. code reuse
  const again = await token(issuer, cb.get('code'), auth.verifier);
  check('4 reused code -> invalid_grant', again.status === 400 && again.json.error === 'invalid_grant', JSON.stringify(again.json));

  // PKCE is required
  const noPkce = await browse(newJar(), authUrl(issuer, { code_challenge: '', code_challenge_method: '' }).url
    .replace(/&code_challenge=&code_challenge_method=/, ''));
  check('4b authorization without PKCE -> error redirect', noPkce.callback?.searchParams.get('error') === 'invalid_request', noPkce.callback?.href);

  // 5. wrong password
  const jar5 = newJar();
  const page5 = await browse(jar5, authUrl(issuer).url);
  const wrong = await submitLogin(jar5, page5, 'alice@acme.test', 'nope');
  check('5 wrong password -> login page with "Wrong email or password."', isLoginPage(wrong) && wrong.html.includes('Wrong email or password.'));

  // 6. SSO, prompt=login, max_age=0 (all on the session from step 2)
  const sso = await signIn(issuer, jar);
  check('6 existing session: no login page (SSO)', !sso.sawLogin && sso.claims.sub === ALICE_SUB);
  const forced = await signIn(issuer, jar, { extra: { prompt: 'login' }, method: 'post' });
  check('6 prompt=login shows the login page again', forced.sawLogin);
  check('6 client_secret_post works', forced.tok.status === 200, JSON.stringify(forced.tok.json));
  check('6 auth_time present after prompt=login', Number.isInteger(forced.claims.auth_time), JSON.stringify(forced.claims));
  const maxAge = await signIn(issuer, jar, { extra: { max_age: '0' } });
  check('6 max_age=0 shows the login page again', maxAge.sawLogin);
  check('6 auth_time present with max_age', Number.isInteger(maxAge.claims.auth_time) && maxAge.claims.auth_time >= forced.claims.auth_time, JSON.stringify(maxAge.claims));

  // 8. key rotation (on the first provider)
  const oldKid = decodeProtectedHeader(tok.json.id_token).kid;
  const rot = await fetch(`${issuer}/test/rotate-keys`, { method: 'POST' });
  const { kid } = await rot.json();
  check('8 rotate-keys returns a new kid', rot.status === 200 && kid && kid !== oldKid, kid);
  const keys = (await (await fetch(disco.jwks_uri)).json()).keys.map((k) => k.kid);
  check('8 JWKS lists the new key first and the old key', keys[0] === kid && keys.includes(oldKid), JSON.stringify(keys));
  const rotated = await signIn(issuer, newJar());
  check('8 new sign-in: id_token kid is the new kid', rotated.sawLogin && decodeProtectedHeader(rotated.tok.json.id_token).kid === kid);
  check('8 new id_token verifies against the JWKS', await jwtVerify(rotated.tok.json.id_token, createRemoteJWKSet(new URL(disco.jwks_uri)), { issuer, audience: CLIENT.client_id }).then(() => true, (e) => e.message));
  const kept = await signIn(issuer, jar);
  check('8 provider session survives rotation', !kept.sawLogin && kept.tok.status === 200);

  check('provider cookies are not Secure-only (plain http)', secureCookies === 0);

  const stopped = await op.stop();
  check('SIGTERM -> exit code 0', stopped.code === 0, String(stopped.code));
  check('stdout has exactly the issuer line', stopped.stdout === `${JSON.stringify({ issuer })}\n`, JSON.stringify(stopped.stdout));

  // 7. OP_TAMPER (one provider process per mode)
  const expect = {
    aud: (t, iss) => t.aud === 'someone-else' && t.iss === iss,
    iss: (t, iss) => t.iss === `${iss}/evil` && t.aud === CLIENT.client_id,
    nonce: (t) => t.nonce === 'not-the-nonce',
    exp: (t) => t.exp < Date.now() / 1000 - 3000 && t.iat < t.exp - 3000,
    sig: (t, iss) => t.iss === iss && t.aud === CLIENT.client_id,
  };
  for (const mode of Object.keys(expect)) {
    const evil = startProvider({ OP_TAMPER: mode });
    const evilIssuer = await evil.ready;
    const res = await signIn(evilIssuer, newJar());
    const idt = res.tok.json.id_token;
    check(`7 OP_TAMPER=${mode}: claim changed`, expect[mode](res.claims, evilIssuer) && res.claims.email === 'alice@acme.test', JSON.stringify(res.claims));
    const evilJwks = createRemoteJWKSet(new URL(`${evilIssuer}/jwks`));
    const verified = await compactVerify(idt, evilJwks).then(() => true, () => false);
    check(`7 OP_TAMPER=${mode}: signature ${mode === 'sig' ? 'does NOT verify' : 'verifies'} against the JWKS`, verified === (mode !== 'sig'));
    if (mode === 'aud') {
      check('7 OP_TAMPER=aud: jwtVerify without audience check passes', await jwtVerify(idt, evilJwks, { issuer: evilIssuer }).then(() => true, (e) => e.message));
    }
    await evil.stop();
  }

  console.log(failures ? `\n${failures} check(s) FAILED` : '\nall checks passed');
  process.exit(failures ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
