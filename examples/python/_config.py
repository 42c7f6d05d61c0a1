"""Shared by the examples: a client configured from the environment (the CLI's names).

    CARDBOSS_SID, CARDBOSS_APIKEY      account id and 32-character key (required)
    CARDBOSS_URL                       port1 root, e.g. http://platform-host:9011
    CARDBOSS_OPS_URL                   port2 root (default: the URL's host on port 8111)

Try them against the sandbox: `cargo run -p cardboss-sandbox` prints these values.
"""

from __future__ import annotations

import cardboss


def client() -> cardboss.Client:
    return cardboss.Client.from_env()


def async_client() -> cardboss.AsyncClient:
    return cardboss.AsyncClient.from_env()
