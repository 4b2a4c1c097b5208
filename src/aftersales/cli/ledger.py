"""``aftersales ledger``: the evidence log's key, checkpoints, offline verification and audit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, open_context, out, settings_for
from aftersales.errors import AftersalesError, ErrorCode
from aftersales.ledger import FormatError, Verifier, proof_hashes

app = typer.Typer(help="The tamper-evident evidence log.", no_args_is_help=True)

KeyFile = Annotated[
    Path,
    typer.Option("--key", help="File with the log's public key (GET /api/v1/ledger/key)."),
]


@app.command()
@errors_on_one_line
def keygen() -> None:
    """Create the log's signing key and personal-data salt (files of mode 0600 in the data dir).

    Prints the public key. The origin comes from AFTERSALES_LEDGER_ORIGIN; an existing key is
    never replaced."""
    from aftersales.store.ledger_keys import generate_keys

    settings = settings_for(None)
    keys = generate_keys(
        settings.ledger_key_path, settings.ledger_salt_path, settings.ledger_origin
    )
    err.print(f"wrote {settings.ledger_key_path} and {settings.ledger_salt_path}; keep both secret")
    print(keys.verifier.vkey())


@app.command()
@errors_on_one_line
def key() -> None:
    """Print the log's public verifier key."""
    from aftersales.bootstrap import ledger_keys

    settings = settings_for(None)
    found = ledger_keys(settings, create=False)
    if found is None:
        raise AftersalesError(
            f"no evidence-log key at {settings.ledger_key_path}; run `aftersales ledger keygen`",
            code=ErrorCode.LEDGER_NO_KEY,
        )
    print(found.verifier.vkey())


@app.command()
@errors_on_one_line
def checkpoint(db: DbOption = None) -> None:
    """Sign and publish a checkpoint of the log now; print it."""
    from aftersales.services import ledger

    ctx = open_context(settings_for(db))
    try:
        sys.stdout.write(ledger.checkpoint(ctx).note)
    finally:
        ctx.close()


@app.command()
@errors_on_one_line
def verify(
    key: KeyFile,
    receipt: Annotated[
        Path | None, typer.Option(help="A receipt (JSON from GET /cases/{id}/receipts).")
    ] = None,
    old: Annotated[Path | None, typer.Option(help="The older signed checkpoint.")] = None,
    new: Annotated[Path | None, typer.Option(help="The newer signed checkpoint.")] = None,
    proof: Annotated[
        Path | None,
        typer.Option(help="Consistency proof: JSON from the API, or base64 hashes one a line."),
    ] = None,
) -> None:
    """Check offline a receipt, or two checkpoints and the consistency proof between them."""
    from aftersales.ledger import verify_checkpoints, verify_receipt

    log_key = _verifier(key)
    if receipt is not None and old is None and new is None:
        loaded = _json(receipt)
        # The API answers with the list of a case's receipts; one receipt alone is fine too.
        receipts = loaded if isinstance(loaded, list) else [loaded]
        if not receipts:
            raise FormatError(f"{receipt} holds no receipt")
        for one in receipts:
            found = verify_receipt(one, log_key)
            line = f"OK: entry {one['index']} is in {found.origin} at size {found.size}"
            out.print(line, highlight=False)
        return
    if receipt is None and old is not None and new is not None:
        hashes = _proof(proof) if proof is not None else ()
        before, after = verify_checkpoints(_text(old), _text(new), hashes, log_key)
        line = f"OK: {after.origin} grew from size {before.size} to {after.size} by appending"
        out.print(line, highlight=False)
        return
    raise typer.BadParameter("give either --receipt, or --old and --new (with --proof)")


@app.command()
@errors_on_one_line
def audit(
    db: DbOption = None,
    key: Annotated[
        Path | None, typer.Option("--key", help="Public key file (default: the log's own).")
    ] = None,
) -> None:
    """Recompute the log from every entry; check each node, the state and every checkpoint."""
    from aftersales.services.ledger_audit import audit as run_audit

    ctx = open_context(settings_for(db))
    try:
        report = run_audit(ctx, _verifier(key) if key else None)
    finally:
        ctx.close()
    for problem in report.problems:
        err.print(f"[red]mismatch[/red] {problem}", highlight=False, markup=True)
    if report.more_problems:
        err.print(f"… and {report.more_problems} more", highlight=False)
    summary = (
        f"{report.size} entries, {report.nodes} nodes, {report.checkpoints} checkpoints; "
        f"root {report.root.hex()}"
    )
    if not report.ok:
        err.print(f"[red]audit failed[/red]: {summary}", highlight=False)
        raise typer.Exit(1)
    out.print(f"OK: {summary}", highlight=False)


def _verifier(path: Path) -> Verifier:
    return Verifier.from_vkey(_text(path).strip())


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"cannot read {path}: {exc}") from exc


def _json(path: Path) -> Any:
    try:
        return json.loads(_text(path))
    except ValueError as exc:
        raise FormatError(f"{path} is not JSON: {exc}") from exc


def _proof(path: Path) -> tuple[bytes, ...]:
    text = _text(path)
    if text.lstrip().startswith("{"):
        return proof_hashes(_json(path).get("proof", []))
    return proof_hashes([line.strip() for line in text.splitlines() if line.strip()])
