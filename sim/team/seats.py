"""The host's bookkeeping about people: seats (a name, its token, its role), the join code, the limits on
wrong codes and on how fast a seat may send, and the seat file that lets a resumed host keep all three."""

from __future__ import annotations

import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.format.text import printable

# No 0/O or 1/I/L: a code is read aloud and typed from a screen share.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
WRONG_CODES = 5  # a peer's wrong codes before it must wait
BLOCK_FOR = 60.0  # seconds it then waits, doubling with every further attempt


def new_code() -> str:
    """A fresh join code: 12 random characters (about 59 bits) in three groups, e.g. `4J7Q-K2MX-9TRA`."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def same_code(given: str, code: str) -> bool:
    """Constant-time comparison, forgiving case and the dashes people leave out or add."""
    norm = given.upper().replace("-", "").replace(" ", "")
    return hmac.compare_digest(norm.encode(), code.upper().replace("-", "").encode())


def same_token(given: str, token: str) -> bool:
    """A seat token, compared exactly and in constant time."""
    return hmac.compare_digest(given.encode(), token.encode())


def new_token() -> str:
    return secrets.token_urlsafe(18)


@dataclass
class Seat:
    """A person (or bot) in the drill. The seat outlives its connections: a reconnect with the token takes it
    back, role and all."""

    name: str
    token: str
    role: str | None = None
    bot: bool = False
    connected: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "token": self.token, "role": self.role, "bot": self.bot}


class PeerLimiter:
    """Wrong join codes per peer address: after WRONG_CODES of them, every attempt is refused for a while that
    doubles with each attempt made while blocked."""

    def __init__(self) -> None:
        self._peers: dict[str, tuple[int, float]] = {}  # peer -> (wrong codes, blocked until)

    def blocked(self, peer: str, now: float) -> bool:
        wrong, until = self._peers.get(peer, (0, 0.0))
        if wrong < WRONG_CODES or now >= until:
            return False
        self._peers[peer] = (wrong + 1, now + BLOCK_FOR * 2 ** min(wrong + 1 - WRONG_CODES, 10))
        return True

    def wrong(self, peer: str, now: float) -> None:
        wrong, _ = self._peers.get(peer, (0, 0.0))
        wrong += 1
        until = now + BLOCK_FOR * 2 ** min(wrong - WRONG_CODES, 10) if wrong >= WRONG_CODES else 0.0
        self._peers[peer] = (wrong, until)
        if len(self._peers) > 10_000:  # a flood of addresses: forget the oldest
            self._peers.pop(next(iter(self._peers)))

    def right(self, peer: str) -> None:
        self._peers.pop(peer, None)


@dataclass
class TokenBucket:
    """`rate` intents a second on average, in bursts of up to `burst`."""

    rate: float = 20.0
    burst: float = 40.0
    tokens: float = 40.0
    at: float = field(default=0.0)

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


def seat_file(journal: str | os.PathLike[str]) -> Path:
    """Where a host keeps its code and seats beside its journal."""
    return Path(f"{os.fspath(journal)}.host.json")


def save_seats(path: Path, code: str, seats: list[Seat], *, mode: str, started: bool, speed: float) -> None:
    """Write the seat file, readable by its owner only (it holds the join code and every seat's token)."""
    data = {"code": code, "mode": mode, "started": started, "speed": speed, "seats": [s.to_json() for s in seats]}
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


class SavedHost:
    """What a seat file holds."""

    def __init__(self, code: str, seats: list[Seat], mode: str, started: bool, speed: float) -> None:
        self.code, self.seats, self.mode, self.started, self.speed = code, seats, mode, started, speed


def load_seats(path: Path) -> SavedHost:
    """Read a seat file; raises ValueError saying what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the host's seat file ({exc.strerror or exc})") from None
    except ValueError:
        raise ValueError(f"{path}: the host's seat file is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("code"), str) or not isinstance(data.get("seats"), list):
        raise ValueError(f"{path}: not a host seat file (no code and seats)")
    seats = []
    for s in data["seats"][:256]:
        if not (isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("token"), str)):
            raise ValueError(f"{path}: a seat without a name and token")
        role = s.get("role")
        seats.append(
            Seat(
                printable(s["name"])[:40],
                s["token"][:64],
                printable(role) if isinstance(role, str) else None,
                bool(s.get("bot")),
            )
        )
    mode = "loose" if data.get("mode") == "loose" else "strict"
    speed = data.get("speed")
    speed = float(speed) if isinstance(speed, int | float) and 0 < speed <= 10_000 else 1.0
    return SavedHost(printable(data["code"])[:64], seats, mode, bool(data.get("started")), speed)
