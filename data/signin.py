"""Whether sign-in can work right now: the identity provider answers, and it accepts the
dashboard's client id and secret. Streamlit's own sign-in shows a bare "Authentication error" when
the provider is down and silently signs the user out when the client secret is wrong; asking the
provider first lets the dashboard say which it is, in a sentence, before anyone tries."""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from data.errors import Message, say

TIMEOUT = 5.0  # seconds: a provider slower than this is as good as down for a person waiting


def provider_settings(auth: Mapping) -> Mapping:
    """The provider's part of Streamlit's ``[auth]`` section: ``[auth]`` itself (one provider) or its
    one named subsection (``[auth.NAME]``); ``client_kwargs`` is configuration, not a provider."""
    if "server_metadata_url" in auth:
        return auth
    named = [value for key, value in auth.items() if isinstance(value, Mapping) and key != "client_kwargs"
             and "server_metadata_url" in value]
    return named[0] if named else {}


def provider_problem(auth: Mapping) -> Message | None:
    """None when the provider answers and accepts the client; else what is wrong, as a sentence
    that names the provider's host (never the secret)."""
    provider = provider_settings(auth)
    address = str(provider.get("server_metadata_url") or "")
    host = urllib.parse.urlsplit(address).netloc or address or "?"
    if not address:
        return say("signin_not_configured")
    try:
        with urllib.request.urlopen(address, timeout=TIMEOUT) as answer:
            metadata = json.loads(answer.read(1_000_000))
        token_endpoint = metadata["token_endpoint"]
    except (OSError, ValueError, KeyError, TypeError):
        return say("signin_provider_down", host=host)
    # a client-credentials request with the dashboard's id and secret: a provider refuses the grant
    # itself for a sound client (unauthorized_client, unsupported_grant_type …), but a wrong id or
    # secret with invalid_client (RFC 6749 5.2) before it looks at the grant
    secret = f"{urllib.parse.quote(str(provider.get('client_id', '')), safe='')}:" \
             f"{urllib.parse.quote(str(provider.get('client_secret', '')), safe='')}"
    request = urllib.request.Request(token_endpoint, data=b"grant_type=client_credentials", method="POST", headers={
        "Authorization": "Basic " + base64.b64encode(secret.encode()).decode(),
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT):
            return None
    except urllib.error.HTTPError as refusal:
        try:
            error = json.loads(refusal.read(100_000)).get("error")
        except (ValueError, AttributeError):
            error = None
        return say("signin_client_rejected", host=host) if error == "invalid_client" else None
    except OSError:
        return say("signin_provider_down", host=host)
