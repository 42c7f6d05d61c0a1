"""Shared by the examples: a client configured from the environment.

    CARDBOSS_SID, CARDBOSS_APIKEY      account id and 32-character key (required)
    CARDBOSS_BASE_URL                  port1 root, e.g. http://platform-host:9011
    CARDBOSS_OPS_URL                   port2 root (default: the base host on port 8111)

Try them against the sandbox: `cargo run -p cardboss-sandbox` prints these values.
"""

from __future__ import annotations

import os

import cardboss


def client() -> cardboss.Client:
    return cardboss.Client(
        os.environ["CARDBOSS_SID"],
        os.environ["CARDBOSS_APIKEY"],
        base_url=os.environ.get("CARDBOSS_BASE_URL", cardboss.DEFAULT_BASE_URL),
        ops_url=os.environ.get("CARDBOSS_OPS_URL"),
    )


def async_client() -> cardboss.AsyncClient:
    return cardboss.AsyncClient(
        os.environ["CARDBOSS_SID"],
        os.environ["CARDBOSS_APIKEY"],
        base_url=os.environ.get("CARDBOSS_BASE_URL", cardboss.DEFAULT_BASE_URL),
        ops_url=os.environ.get("CARDBOSS_OPS_URL"),
    )
