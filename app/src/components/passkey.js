// Drives the passkey forms (`form[data-passkey]`): asks the server to begin a ceremony, hands
// its options to the browser's authenticator (navigator.credentials), sends the answer back,
// then goes where the server says. The server's options and the answers are WebAuthn's JSON,
// binary fields as base64url. Inlined once per page with the page's nonce.
(() => {
  if (window.vaultPasskeys) return;
  window.vaultPasskeys = true;

  const toBuffer = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  };
  const toText = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const ids = (list) => (list || []).map((c) => ({ ...c, id: toBuffer(c.id) }));

  const createOptions = (options) => {
    const publicKey = structuredClone(options.publicKey);
    publicKey.challenge = toBuffer(publicKey.challenge);
    publicKey.user.id = toBuffer(publicKey.user.id);
    publicKey.excludeCredentials = ids(publicKey.excludeCredentials);
    return { publicKey };
  };
  const getOptions = (options) => {
    const publicKey = structuredClone(options.publicKey);
    publicKey.challenge = toBuffer(publicKey.challenge);
    publicKey.allowCredentials = ids(publicKey.allowCredentials);
    return { publicKey };
  };
  const registration = (c) => ({
    id: c.id,
    rawId: toText(c.rawId),
    type: c.type,
    response: {
      attestationObject: toText(c.response.attestationObject),
      clientDataJSON: toText(c.response.clientDataJSON),
      transports: c.response.getTransports ? c.response.getTransports() : undefined,
    },
    extensions: c.getClientExtensionResults(),
  });
  const assertion = (c) => ({
    id: c.id,
    rawId: toText(c.rawId),
    type: c.type,
    response: {
      authenticatorData: toText(c.response.authenticatorData),
      clientDataJSON: toText(c.response.clientDataJSON),
      signature: toText(c.response.signature),
      userHandle: c.response.userHandle ? toText(c.response.userHandle) : null,
    },
    extensions: c.getClientExtensionResults(),
  });

  // What a failed reply that is not our error means, in words (a proxy's page, a limit).
  const byStatus = (status) => {
    if (status === 401) return "You are signed out. Sign in again.";
    if (status === 413) return "That was too large to send.";
    if (status === 429) return "Too many attempts. Wait a moment and try again.";
    if (status >= 500) return "The server is unavailable right now. Nothing was changed; try again shortly.";
    return "That did not work. Please try again.";
  };
  // A server function's error: `"NotSignedIn"` or `{"Validation": {"field", "message"}}`.
  class Refused extends Error {
    constructor(body, status) {
      const inner = body && typeof body === "object" ? Object.values(body)[0] : null;
      const known = { NotSignedIn: byStatus(401) }[body];
      super((inner && inner.message) || known || byStatus(status));
      this.kind = typeof body === "string" ? body : body && Object.keys(body)[0];
    }
  }
  const call = async (path, fields) => {
    const res = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: fields,
      credentials: "same-origin",
    });
    const text = await res.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch (_) {
      body = null;
    }
    if (!res.ok) throw new Refused(body, res.status);
    return body;
  };

  const run = async (form) => {
    const fields = new URLSearchParams(new FormData(form));
    const options = JSON.parse(await call(form.dataset.begin, fields));
    let answer;
    if (form.dataset.passkey === "create") {
      answer = registration(await navigator.credentials.create(createOptions(options)));
    } else {
      answer = assertion(await navigator.credentials.get(getOptions(options)));
    }
    fields.set("credential", JSON.stringify(answer));
    return call(form.dataset.finish, fields);
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-passkey]");
    if (!form) return;
    event.preventDefault();
    const status = form.querySelector("[data-passkey-status]");
    const button = form.querySelector("button[type=submit]");
    const say = (text) => {
      status.textContent = text;
      status.hidden = !text;
    };
    if (!window.PublicKeyCredential) {
      say("This browser cannot use passkeys.");
      return;
    }
    say("");
    button.disabled = true;
    try {
      const next = await run(form);
      const local = typeof next === "string" && next.startsWith("/") && !next.startsWith("//");
      window.location.assign(local ? next : "/");
    } catch (error) {
      button.disabled = false;
      if (error instanceof Refused && error.kind === "ReauthRequired") {
        const here = window.location.pathname + window.location.search;
        window.location.assign(`/reauth?next=${encodeURIComponent(here)}`);
      } else if (error instanceof Refused) {
        say(error.message);
      } else if (error && error.name === "NotAllowedError") {
        say("The passkey prompt was closed or timed out.");
      } else if (error && error.name === "InvalidStateError") {
        say("This passkey is registered already.");
      } else {
        say("Your browser could not use a passkey here.");
      }
    }
  });
})();
