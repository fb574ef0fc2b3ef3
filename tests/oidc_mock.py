"""A minimal OpenID Connect provider on loopback, for browser tests of st.login.

oidc-provider-mock (PyPI) needs Python 3.12, so this serves just what Streamlit's Authlib client uses:
discovery, authorize (signs in as `provider.email` at once, no form), token (an RS256 id_token
with the nonce), JWKS and userinfo. Never use it outside tests.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class Provider:
    email: str = "nobody@example.org"
    name: str = "Test Person"
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test", "use": "sig"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_port}"

    def claims(self, client_id: str, nonce: str | None) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.url,
            "sub": self.email,
            "aud": client_id,
            "iat": now,
            "exp": now + 600,
            "email": self.email,
            "email_verified": True,
            "name": self.name,
            **({"nonce": nonce} if nonce else {}),
        }

    def start(self) -> Provider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:  # keep test output quiet
                pass

            def _json(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    base = provider.url
                    self._json(
                        {
                            "issuer": base,
                            "authorization_endpoint": f"{base}/authorize",
                            "token_endpoint": f"{base}/token",
                            "jwks_uri": f"{base}/jwks",
                            "userinfo_endpoint": f"{base}/userinfo",
                            "response_types_supported": ["code"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "scopes_supported": ["openid", "email", "profile"],
                            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                            "code_challenge_methods_supported": ["S256"],
                        }
                    )
                elif url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {"nonce": query.get("nonce"), "client_id": query.get("client_id", "")}
                    target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                elif url.path == "/jwks":
                    self._json({"keys": [provider.key.as_dict(private=False) | {"alg": "RS256"}]})
                elif url.path == "/userinfo":
                    self._json(provider.claims("", None))
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                if urlparse(self.path).path != "/token" or grant is None:
                    self._json({"error": "invalid_grant"}, 400)
                    return
                claims = provider.claims(grant["client_id"], grant["nonce"])
                id_token = jwt.encode({"alg": "RS256", "kid": "test"}, claims, provider.key)
                self._json(
                    {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 600,
                     "id_token": id_token, "scope": "openid email profile"}
                )  # fmt: skip

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
