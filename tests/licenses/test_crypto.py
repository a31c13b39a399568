"""SM3 and SM2 as used for licences: known answers, gmssl interoperability, malformed input, key files."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from gmssl import sm2

from yijianshi.core.sm3 import sm3_gmssl
from yijianshi.licenses import crypto


def test_sm3_known_answer_and_both_implementations_agree() -> None:
    # GB/T 32905 annex A, example 1
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    for data in (b"", b"abc" * 100, "结婚证".encode()):
        assert sm3_gmssl(data) == crypto.sm3_hex(data)


def test_canonical_encoding_is_sorted_compact_utf8() -> None:
    assert (
        crypto.canonical_bytes({"b": 1, "a": {"z": "证", "y": None}})
        == '{"a":{"y":null,"z":"证"},"b":1}'.encode()
    )


def test_sign_verify_and_gmssl_interop() -> None:
    pair = crypto.generate_keypair()
    digest = crypto.sm3_hex(b"licence")
    signature = crypto.sign(digest, private_key=pair.private_key, public_key=pair.public_key)
    assert len(signature) == 128
    assert crypto.verify(digest, signature, pair.public_key)
    assert crypto.verify(digest, signature, "04" + pair.public_key)  # uncompressed-point prefix accepted
    # gmssl's own SM2-with-SM3 (Z with the default ID) agrees both ways
    theirs = sm2.CryptSM2(private_key=pair.private_key, public_key=pair.public_key)
    assert theirs.verify_with_sm3(signature, bytes.fromhex(digest))
    assert crypto.verify(digest, theirs.sign_with_sm3(bytes.fromhex(digest)), pair.public_key)


def test_verify_says_false_to_anything_wrong() -> None:
    pair, other = crypto.generate_keypair(), crypto.generate_keypair()
    digest = crypto.sm3_hex(b"licence")
    signature = crypto.sign(digest, private_key=pair.private_key, public_key=pair.public_key)
    flipped = signature[:10] + ("0" if signature[10] != "0" else "1") + signature[11:]
    assert not crypto.verify(crypto.sm3_hex(b"licencf"), signature, pair.public_key)
    assert not crypto.verify(digest, flipped, pair.public_key)
    assert not crypto.verify(digest, signature, other.public_key)
    for bad_sig in ("", "zz" * 64, "0" * 128, signature[:-2], "f" * 128):
        assert not crypto.verify(digest, bad_sig, pair.public_key)
    for bad_key in ("", "00" * 64, pair.public_key[:-2] + "00", "not hex"):
        assert not crypto.verify(digest, signature, bad_key)
    assert not crypto.verify("not hex", signature, pair.public_key)


def test_a_remembered_result_answers_only_for_the_same_digest_signature_and_key() -> None:
    pair, other = crypto.generate_keypair(), crypto.generate_keypair()
    digest = crypto.sm3_hex(b"licence")
    signature = crypto.sign(digest, private_key=pair.private_key, public_key=pair.public_key)
    crypto._verified.cache_clear()
    assert crypto.verify(digest, signature, pair.public_key)
    assert crypto._verified.cache_info().misses == 1
    assert crypto.verify(digest, signature.upper(), pair.public_key)  # the same signature: remembered
    assert crypto._verified.cache_info().hits == 1
    # after a valid result is remembered, any change of the inputs is checked afresh and fails
    flipped = signature[:70] + ("0" if signature[70] != "0" else "1") + signature[71:]
    assert not crypto.verify(digest, flipped, pair.public_key)
    assert not crypto.verify(crypto.sm3_hex(b"licencf"), signature, pair.public_key)
    assert not crypto.verify(digest, signature, other.public_key)
    assert crypto._verified.cache_info().misses == 4


def test_a_public_key_starting_with_04_works() -> None:
    # gmssl's constructor lstrip("04")s such keys; crypto sets the key after construction
    private_key = f"{11:064x}"
    public_key = crypto.public_key_of(private_key)
    assert public_key.startswith("04")
    digest = crypto.sm3_hex(b"x")
    assert crypto.verify(
        digest, crypto.sign(digest, private_key=private_key, public_key=public_key), public_key
    )


def test_key_files_are_private_and_checked(key_dir: Path) -> None:
    pair = crypto.generate_keypair()
    path = crypto.store_private_key(pair, label="test")
    assert path.parent == key_dir
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    assert crypto.load_private_key(pair.key_id) == pair
    other = crypto.generate_keypair()
    assert crypto.load_private_key(other.key_id) is None  # no file
    # a file that does not hold the key its name says is refused
    data = json.loads(path.read_text())
    data["private_key"] = other.private_key
    path.write_text(json.dumps(data))
    assert crypto.load_private_key(pair.key_id) is None


def test_signatures_are_fresh_fixed_width_and_all_verify() -> None:
    # GmSSL signs (gmssl_pyx, DER written as r || s): a fresh nonce each time, r and s zero-padded to 64 hex
    pair = crypto.generate_keypair()
    digest = crypto.sm3_hex(b"seal")
    signatures = [
        crypto.sign(digest, private_key=pair.private_key, public_key=pair.public_key) for _ in range(40)
    ]
    assert len(set(signatures)) == 40
    assert all(len(sig) == 128 and crypto.verify(digest, sig, pair.public_key) for sig in signatures)
    assert not crypto.verify(crypto.sm3_hex(b"other"), signatures[0], pair.public_key)
