"""``aftersales ledger``: the key files, checkpoints, offline verification and the audit."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text, update

from aftersales.api.ledger_schemas import ConsistencyProofPublic, ReceiptPublic
from aftersales.domain.clock import ManualClock
from aftersales.ledger import Signer, Verifier, open_checkpoint
from aftersales.services import ledger
from aftersales.services.context import Context
from aftersales.services.receipts import case_receipts
from aftersales.store.tables import ledger_entries
from tests.e2e.test_cli import Cli, assert_one_line_error
from tests.ledger_cases import C1, arbitrated_case, as_administrator
from tests.support import START, build_market


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    runner = Cli(tmp_path)
    yield runner
    runner.close()


@pytest.fixture
def logged(cli: Cli) -> Context:
    """A platform on the CLI's database with one verdict in the log."""
    ctx = cli.context(ManualClock(START))
    build_market(ctx)
    arbitrated_case(ctx)
    return ctx


def write(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def vkey_file(cli: Cli, ctx: Context) -> Path:
    return write(cli.data_dir / "log.vkey", ledger.public_key(ctx).vkey() + "\n")


def receipt_file(cli: Cli, ctx: Context, name: str = "receipt.json") -> Path:
    case_id = ledger.entry(ctx, 0).subject.removeprefix("case:")
    receipts = [
        ReceiptPublic.of(r).model_dump(mode="json") for r in case_receipts(ctx, C1, case_id)
    ]
    return write(cli.data_dir / name, json.dumps(receipts))


# ---- keys ------------------------------------------------------------------------------------


def test_keygen_writes_secret_files_only_the_owner_can_read_and_prints_the_public_key(
    cli: Cli,
) -> None:
    result = cli("ledger", "keygen")

    assert result.exit_code == 0, result.output
    key_file = cli.data_dir / "ledger" / "log.skey"
    salt_file = cli.data_dir / "ledger" / "personal-data.salt"
    for path in (key_file, salt_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    signer = Signer.from_skey(key_file.read_text().strip())
    assert result.stdout == signer.verifier().vkey() + "\n"
    # PRIVATE+KEY+<name>+<hash>+<key data>: the key data (base64) may itself hold a "+".
    secret = key_file.read_text().strip().split("+", 4)[4]
    assert secret not in result.output and "PRIVATE" not in result.output
    assert salt_file.read_text().strip() not in result.output
    assert cli("ledger", "key").stdout == result.stdout


def test_keygen_never_replaces_a_key(cli: Cli) -> None:
    cli("ledger", "keygen")
    before = (cli.data_dir / "ledger" / "log.skey").read_bytes()

    again = cli("ledger", "keygen")

    assert_one_line_error(again, "ledger_key_exists", "a log keeps its key for life")
    assert (cli.data_dir / "ledger" / "log.skey").read_bytes() == before


def test_the_key_set_for_another_origin_is_refused(cli: Cli) -> None:
    cli("ledger", "keygen")

    result = cli("ledger", "key", env=cli.env | {"AFTERSALES_LEDGER_ORIGIN": "other.example/log"})

    assert_one_line_error(
        result, "ledger_no_key", "signs for origin 'aftersales.local/evidence-log'"
    )


# ---- checkpoints and verification --------------------------------------------------------------


def test_checkpoint_prints_a_note_signed_by_the_log_key(cli: Cli, logged: Context) -> None:
    result = cli("ledger", "checkpoint")

    assert result.exit_code == 0, result.output
    assert open_checkpoint(result.stdout, ledger.public_key(logged)).size == 1


def test_a_kept_receipt_verifies_offline(cli: Cli, logged: Context) -> None:
    result = cli(
        "ledger",
        "verify",
        "--key",
        str(vkey_file(cli, logged)),
        "--receipt",
        str(receipt_file(cli, logged)),
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == "OK: entry 0 is in aftersales.local/evidence-log at size 1\n"


def test_a_tampered_receipt_fails_loudly(cli: Cli, logged: Context) -> None:
    path = receipt_file(cli, logged)
    receipts = json.loads(path.read_text())
    receipts[0]["record"]["record"]["verdict"] = "merchant"
    write(path, json.dumps(receipts))

    result = cli("ledger", "verify", "--key", str(vkey_file(cli, logged)), "--receipt", str(path))

    assert_one_line_error(result, "ledger_proof_invalid", "the receipt's record is not what")


def test_a_receipt_under_another_key_fails_loudly(cli: Cli, logged: Context) -> None:
    other = write(
        cli.data_dir / "other.vkey",
        Signer.generate("aftersales.local/evidence-log").verifier().vkey(),
    )

    result = cli(
        "ledger", "verify", "--key", str(other), "--receipt", str(receipt_file(cli, logged))
    )

    assert_one_line_error(result, "ledger_signature_invalid", "no signature from a trusted key")


def test_two_checkpoints_verify_with_their_consistency_proof_and_fail_when_forged(
    cli: Cli, logged: Context
) -> None:
    old = write(cli.data_dir / "old.checkpoint", ledger.checkpoint(logged).note)
    arbitrated_case(logged)
    arbitrated_case(logged)
    new = write(cli.data_dir / "new.checkpoint", ledger.checkpoint(logged).note)
    body = ConsistencyProofPublic.of(1, 3, ledger.consistency(logged, 1, 3))
    proof = write(cli.data_dir / "proof.json", body.model_dump_json())
    key = str(vkey_file(cli, logged))

    good = cli(
        "ledger",
        "verify",
        "--key",
        key,
        "--old",
        str(old),
        "--new",
        str(new),
        "--proof",
        str(proof),
    )
    swapped = cli(
        "ledger",
        "verify",
        "--key",
        key,
        "--old",
        str(new),
        "--new",
        str(old),
        "--proof",
        str(proof),
    )
    lines = write(cli.data_dir / "proof.txt", "\n".join(reversed(body.proof)))
    forged = cli(
        "ledger",
        "verify",
        "--key",
        key,
        "--old",
        str(old),
        "--new",
        str(new),
        "--proof",
        str(lines),
    )

    assert good.exit_code == 0, good.output
    assert good.stdout == "OK: aftersales.local/evidence-log grew from size 1 to 3 by appending\n"
    assert_one_line_error(
        swapped, "ledger_proof_invalid", "no consistency proof from size 3 to size 1"
    )
    assert_one_line_error(forged, "ledger_proof_invalid", "does not match the root")


def test_verify_needs_a_receipt_or_two_checkpoints(cli: Cli, logged: Context) -> None:
    result = cli("ledger", "verify", "--key", str(vkey_file(cli, logged)))

    assert result.exit_code == 2
    assert "--receipt" in result.stderr


# ---- audit -------------------------------------------------------------------------------------


def test_audit_passes_on_a_sound_log_and_fails_with_exit_1_on_a_rewritten_row(
    cli: Cli, logged: Context
) -> None:
    ledger.checkpoint(logged)
    sound = cli("ledger", "audit")
    with as_administrator(cli.url) as conn:
        conn.execute(update(ledger_entries).values(body=b'{"rewritten":true}'))
    broken = cli("ledger", "audit")

    assert sound.exit_code == 0, sound.output
    assert sound.stdout.startswith("OK: 1 entries, 1 nodes, 1 checkpoints; root ")
    assert broken.exit_code == 1
    assert "mismatch entry 0: the stored leaf hash is not the hash of its bytes" in broken.stderr
    assert "audit failed" in broken.stderr
    assert broken.stdout == ""


def test_audit_with_another_public_key_fails(cli: Cli, logged: Context) -> None:
    ledger.checkpoint(logged)
    other = write(
        cli.data_dir / "other.vkey",
        Signer.generate("aftersales.local/evidence-log").verifier().vkey(),
    )

    result = cli("ledger", "audit", "--key", str(other))

    assert result.exit_code == 1
    assert "checkpoint 1: the note has no signature from a trusted key" in result.stderr
    assert Verifier.from_vkey(other.read_text()).name == "aftersales.local/evidence-log"


def test_audit_reports_a_body_rewritten_as_text_instead_of_stopping_on_it(
    cli: Cli, logged: Context
) -> None:
    """SQLite keeps what it is given: a hand-made UPDATE can leave text in a byte column."""
    ledger.checkpoint(logged)
    with as_administrator(cli.url) as conn:
        conn.execute(text("""UPDATE ledger_entries SET body = '{"rewritten": true}'"""))
    broken = cli("ledger", "audit")

    assert broken.exit_code == 1, broken.output
    assert "mismatch entry 0: the stored leaf hash is not the hash of its bytes" in broken.stderr
    assert "Traceback" not in broken.output
