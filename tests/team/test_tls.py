"""A host given a certificate and key speaks TLS; a seat that trusts the certificate joins, and one that
speaks plain text to it does not get in."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from sim.team.client import TeamClient, TeamError
from sim.team.host import Host
from tests.team.helpers import new_drill, opened

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


def _certificate(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


async def test_a_tls_host_takes_seats_that_trust_it(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    host = Host(new_drill(opened()), players=0)
    await host.listen("127.0.0.1:0", ssl=server)
    try:
        trusted = ssl.create_default_context(cafile=str(cert))
        sam = await TeamClient.connect(host.address, host.code, "Sam", ssl=trusted)
        assert sam.welcome.you == "Sam" and [p.name for p in sam.lobby.players] == ["Sam"]
        await sam.close()
        with pytest.raises(ssl.SSLError):  # the system's CAs do not vouch for a self-signed host
            await TeamClient.connect(host.address, host.code, "Eve", ssl=ssl.create_default_context())
        with pytest.raises((TeamError, ConnectionError, OSError)):  # plain text to a TLS host
            await TeamClient.connect(host.address, host.code, "Mallory")
        assert sorted(host.seats) == ["Sam"]
    finally:
        await host.shutdown("done")
        host.drill.close()
