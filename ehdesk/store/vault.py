"""Key wrapping for a profile's data key (DESIGN.md §3).

The store is encrypted with a random 256-bit data key. That key is never kept in clear on disk:
it is wrapped with AES-GCM under a key derived from the worker's password with argon2id, and,
when the council has configured one, a second time under the organisation's recovery public key
(X25519 + HKDF + AES-GCM, or RSA-OAEP) so a manager can help a worker who forgot their password
without losing unsynced work. Changing the password re-wraps the key; the store is untouched."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ehdesk.errors import EhdeskError, WrongPassword

DATA_KEY_BYTES = 32
# OWASP's floor for argon2id. Nothing weaker is ever accepted, whatever a key file says.
MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2
RECOVERY_INFO = b"ehdesk recovery wrap v1"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class KdfCost:
    memory_kib: int
    time_cost: int
    parallelism: int = 1

    def __post_init__(self) -> None:
        if self.memory_kib < MIN_MEMORY_KIB or self.time_cost < MIN_TIME_COST or self.parallelism < 1:
            raise EhdeskError("The key file asks for a password hash weaker than ehdesk allows.")


# ~0.3 s on a 2-core server; field laptops are tuned by `bench/` figures, never below the floor.
DEFAULT_COST = KdfCost(memory_kib=64 * 1024, time_cost=3)
MINIMUM_COST = KdfCost(memory_kib=MIN_MEMORY_KIB, time_cost=MIN_TIME_COST)


def cost_from_environment() -> KdfCost:
    """Tests and benchmarks may ask for the floor (still OWASP-compliant) to save time."""
    return MINIMUM_COST if os.environ.get("EHDESK_KDF_COST") == "minimum" else DEFAULT_COST


def new_data_key() -> bytes:
    return os.urandom(DATA_KEY_BYTES)


def _derive(password: str, salt: bytes, cost: KdfCost) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=cost.time_cost,
        memory_cost=cost.memory_kib,
        parallelism=cost.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def wrap_with_password(data_key: bytes, password: str, aad: bytes, cost: KdfCost) -> dict:
    salt = os.urandom(16)
    nonce = os.urandom(12)
    kek = _derive(password, salt, cost)
    return {
        "kdf": "argon2id",
        "memory_kib": cost.memory_kib,
        "time_cost": cost.time_cost,
        "parallelism": cost.parallelism,
        "salt": b64(salt),
        "nonce": b64(nonce),
        "ciphertext": b64(AESGCM(kek).encrypt(nonce, data_key, aad)),
    }


def unwrap_with_password(wrap: dict, password: str, aad: bytes) -> bytes:
    if wrap.get("kdf") != "argon2id":
        raise EhdeskError("The key file uses a key derivation ehdesk does not know.")
    cost = KdfCost(int(wrap["memory_kib"]), int(wrap["time_cost"]), int(wrap["parallelism"]))
    kek = _derive(password, unb64(wrap["salt"]), cost)
    try:
        return AESGCM(kek).decrypt(unb64(wrap["nonce"]), unb64(wrap["ciphertext"]), aad)
    except InvalidTag:
        raise WrongPassword("That password is not right for this worker.") from None


def load_public_key(pem: bytes):
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise EhdeskError("The recovery public key is not a PEM public key.") from None
    if not isinstance(key, x25519.X25519PublicKey | rsa.RSAPublicKey):
        raise EhdeskError("The recovery public key must be an X25519 or RSA key.")
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < 3072:
        raise EhdeskError("An RSA recovery key must be at least 3072 bits.")
    return key


def _hkdf(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=RECOVERY_INFO).derive(shared)


def _oaep() -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def wrap_for_recovery(data_key: bytes, public_key_pem: bytes, aad: bytes) -> dict:
    key = load_public_key(public_key_pem)
    if isinstance(key, x25519.X25519PublicKey):
        ephemeral = x25519.X25519PrivateKey.generate()
        nonce = os.urandom(12)
        kek = _hkdf(ephemeral.exchange(key))
        ephemeral_public = ephemeral.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {
            "scheme": "x25519-hkdf-aesgcm",
            "ephemeral_public": b64(ephemeral_public),
            "nonce": b64(nonce),
            "ciphertext": b64(AESGCM(kek).encrypt(nonce, data_key, aad)),
        }
    return {"scheme": "rsa-oaep-sha256", "ciphertext": b64(key.encrypt(data_key, _oaep()))}


def unwrap_for_recovery(wrap: dict, private_key_pem: bytes, password: bytes | None, aad: bytes) -> bytes:
    try:
        private = serialization.load_pem_private_key(private_key_pem, password=password)
    except (ValueError, TypeError):
        raise EhdeskError("The recovery private key could not be read (wrong file or passphrase).") from None
    try:
        if wrap["scheme"] == "x25519-hkdf-aesgcm" and isinstance(private, x25519.X25519PrivateKey):
            peer = x25519.X25519PublicKey.from_public_bytes(unb64(wrap["ephemeral_public"]))
            kek = _hkdf(private.exchange(peer))
            return AESGCM(kek).decrypt(unb64(wrap["nonce"]), unb64(wrap["ciphertext"]), aad)
        if wrap["scheme"] == "rsa-oaep-sha256" and isinstance(private, rsa.RSAPrivateKey):
            return private.decrypt(unb64(wrap["ciphertext"]), _oaep())
    except (InvalidTag, ValueError):
        pass
    raise EhdeskError("That recovery key does not open this profile.")
