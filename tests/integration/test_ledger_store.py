"""The evidence log in the database: contiguous appends in the decision's own transaction,
proofs served from stored nodes, signed checkpoints, append-only tables, and an audit that
catches a rewrite. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.errors import AftersalesError, ErrorCode, InvalidTransition, NotFound
from aftersales.ledger import (
    Inconsistent,
    MemoryTree,
    OutOfRange,
    Signer,
    canonical_json,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    open_checkpoint,
)
from aftersales.services import cases as uc
from aftersales.services import ledger
from aftersales.services.context import Context
from aftersales.services.ledger_audit import audit
from aftersales.store.ledger import StoredEntry
from aftersales.store.ledger_keys import LedgerKeys, generate_keys
from aftersales.store.tables import ledger_checkpoints, ledger_entries, ledger_nodes, ledger_state
from tests.ledger_cases import (
    OPERATOR,
    PNG,
    arbitrated_case,
    as_administrator,
    escalated_case,
    serviced_case,
)

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def append(ctx: Context, n: int, *, start: int = 0) -> None:
    """``n`` entries, each in a transaction of its own."""
    for i in range(start, start + n):
        with ctx.uow() as uow:
            ledger.append(uow, "test.entry", f"test:{i}", {"n": i}, at=AT)
            uow.commit()


def stored_entries(ctx: Context) -> list[StoredEntry]:
    with ctx.uow(read_only=True) as uow:
        return [e for batch in uow.ledger.scan_entries(below=2**62) for e in batch]


def records(ctx: Context, kind: str) -> list[dict[str, object]]:
    return [json.loads(e.body) for e in stored_entries(ctx) if e.kind == kind]


# ---- appending and proving --------------------------------------------------------------------


def test_appends_take_contiguous_indices_and_every_proof_matches_the_full_tree(
    ctx: Context,
) -> None:
    append(ctx, 21)
    with ctx.uow() as uow:
        drafts = [ledger.Draft("test.batch", f"batch:{i}", {"i": i}, AT) for i in range(12)]
        assert ledger.append_many(uow, drafts) == list(range(21, 33))
        uow.commit()

    entries = stored_entries(ctx)
    tree = MemoryTree.from_entries(e.body for e in entries)
    assert [e.index for e in entries] == list(range(33))
    assert all(e.leaf_hash == leaf_hash(e.body) for e in entries)
    for size in range(1, 34):
        for index in range(size):
            assert ledger.inclusion(ctx, index, size) == inclusion_proof(index, size, tree)
        for old in range(1, size + 1):
            assert ledger.consistency(ctx, old, size) == consistency_proof(old, size, tree)


def test_an_entry_not_committed_leaves_no_trace(ctx: Context) -> None:
    append(ctx, 2)
    with ctx.uow() as uow:
        ledger.append(uow, "test.entry", "test:lost", {"n": 99}, at=AT)  # no commit

    append(ctx, 1, start=2)

    assert [json.loads(e.body)["record"]["n"] for e in stored_entries(ctx)] == [0, 1, 2]
    assert audit(ctx).ok


def test_proofs_and_entries_outside_the_log_are_refused_clearly(ctx: Context) -> None:
    append(ctx, 5)

    with pytest.raises(OutOfRange, match="leaf 5 is not in a tree of size 5"):
        ledger.inclusion(ctx, 5, 5)
    with pytest.raises(OutOfRange, match="the log has 5 entries"):
        ledger.inclusion(ctx, 0, 6)
    with pytest.raises(OutOfRange, match="the log has 5 entries"):
        ledger.consistency(ctx, 2, 9)
    with pytest.raises(OutOfRange, match="need 0 < old size <= new size"):
        ledger.consistency(ctx, 4, 3)
    with pytest.raises(OutOfRange):
        ledger.consistency(ctx, 0, 3)
    with pytest.raises(NotFound, match="entries 0 to 4"):
        ledger.entry(ctx, 5)


# ---- decisions --------------------------------------------------------------------------------


@pytest.mark.usefixtures("market")
def test_a_verdict_is_logged_with_liability_remedy_and_evidence_but_no_personal_data(
    ctx: Context,
) -> None:
    case_id = arbitrated_case(ctx, evidence=PNG)

    (entry,) = stored_entries(ctx)
    body = json.loads(entry.body)
    record = body["record"]
    assert (entry.kind, entry.subject) == ("case.arbitration", f"case:{case_id}")
    assert (body["kind"], body["subject"], body["v"]) == ("case.arbitration", entry.subject, 1)
    assert record["verdict"] == "consumer" and record["liable_party"] == "merchant"
    assert record["resolution"] == "refund_only"
    assert record["amount"] == {"minor_units": 10000, "currency": "CNY"}
    assert record["merchant_id"] == "m1" and record["case_id"] == case_id
    assert record["evidence_sha256"] == [_sha256(PNG)]
    # The consumer and the free-text note appear only as salted commitments.
    assert record["consumer"] == ledger.conceal(ctx, "c1")
    assert record["note"] == ledger.conceal(ctx, "李女士 refund")
    assert b'"c1"' not in entry.body and "李女士".encode() not in entry.body
    assert canonical_json(body) == entry.body
    events = uc.case_events(ctx, OPERATOR, case_id)
    assert record["event_seq"] == events[-1].seq and events[-1].kind == "arbitrated"


@pytest.mark.usefixtures("market")
def test_a_completed_service_is_logged_as_a_service_record(ctx: Context) -> None:
    case_id = serviced_case(ctx)

    (record,) = records(ctx, "case.service_record")
    assert record["subject"] == f"case:{case_id}"
    assert record["record"]["resolution"] == "repair"  # type: ignore[index]
    assert record["record"]["note"] == ledger.conceal(ctx, "replaced the mainboard")  # type: ignore[index]


@pytest.mark.usefixtures("market")
def test_a_refused_decision_logs_nothing_and_a_failed_log_undoes_the_decision(
    ctx: Context,
) -> None:
    case_id = escalated_case(ctx)
    uc.arbitrate(ctx, OPERATOR, case_id, _verdict())  # the first verdict
    with pytest.raises(InvalidTransition):
        uc.arbitrate(ctx, OPERATOR, case_id, _verdict())  # a resolved case is not re-decided
    assert len(stored_entries(ctx)) == 1

    other = escalated_case(ctx)
    keyless = dataclasses.replace(ctx, ledger=None)
    with pytest.raises(AftersalesError) as refused:
        uc.arbitrate(keyless, OPERATOR, other, _verdict())

    assert refused.value.code is ErrorCode.LEDGER_NO_KEY
    assert uc.get_case(ctx, OPERATOR, other).state == "escalated"  # no verdict without its entry
    assert len(stored_entries(ctx)) == 1


# ---- checkpoints ------------------------------------------------------------------------------


def test_a_checkpoint_is_signed_by_the_log_key_and_not_repeated_for_the_same_tree(
    ctx: Context,
) -> None:
    append(ctx, 7)

    first = ledger.checkpoint(ctx)
    again = ledger.checkpoint(ctx)
    append(ctx, 2, start=7)
    grown = ledger.checkpoint(ctx)

    opened = open_checkpoint(first.note, ledger.public_key(ctx))
    assert (opened.size, opened.root, opened.origin) == (
        7,
        first.root,
        "aftersales.local/evidence-log",
    )
    assert again == first
    assert grown.size == 9 and ledger.latest_checkpoint(ctx) == grown
    assert [c.size for c in ledger.checkpoints(ctx)] == [7, 9]
    assert ledger.checkpoint_at(ctx, 7) == first
    with pytest.raises(NotFound):
        ledger.checkpoint_at(ctx, 8)


def test_the_first_checkpoint_is_signed_on_demand(ctx: Context) -> None:
    assert ledger.latest_checkpoint(ctx).size == 0


def test_a_key_that_did_not_sign_this_log_refuses_to_sign_for_it(ctx: Context) -> None:
    append(ctx, 3)
    ledger.checkpoint(ctx)
    append(ctx, 1, start=3)
    assert ctx.ledger is not None
    stranger = LedgerKeys(Signer.generate(ctx.ledger.signer.name), ctx.ledger.salt)

    with pytest.raises(Inconsistent, match="does not belong to this log"):
        ledger.checkpoint(dataclasses.replace(ctx, ledger=stranger))


# ---- tampering --------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["ledger_entries", "ledger_nodes", "ledger_checkpoints"])
def test_the_log_tables_refuse_updates_and_deletes(ctx: Context, db_url: str, table: str) -> None:
    append(ctx, 2)
    ledger.checkpoint(ctx)

    for statement in (f"UPDATE {table} SET created_at = created_at", f"DELETE FROM {table}"):
        statement = statement.replace("created_at = created_at", _touch(table))
        with ctx.uow() as uow, pytest.raises(DBAPIError, match="append-only"):
            uow.ledger._conn.execute(text(statement))


def _touch(table: str) -> str:
    return "hash = hash" if table == "ledger_nodes" else "created_at = created_at"


def test_a_sound_log_passes_the_audit(ctx: Context) -> None:
    append(ctx, 40)
    ledger.checkpoint(ctx)
    append(ctx, 5, start=40)
    ledger.checkpoint(ctx)

    report = audit(ctx)

    assert report.problems == []
    assert (report.size, report.nodes, report.checkpoints) == (45, 2 * 45 - (45).bit_count(), 2)


def test_the_audit_catches_an_entry_rewritten_in_place(ctx: Context, db_url: str) -> None:
    append(ctx, 9)
    ledger.checkpoint(ctx)
    forged = canonical_json({"forged": True})
    with as_administrator(db_url) as conn:
        conn.execute(update(ledger_entries).where(ledger_entries.c.idx == 4).values(body=forged))

    problems = audit(ctx).problems

    assert "entry 4: the stored leaf hash is not the hash of its bytes" in problems
    assert "node (0, 4) is wrong" in problems
    assert "checkpoint 9: its root is not the root of the first 9 entries" in problems


def test_the_audit_catches_a_careful_rewrite_of_entry_nodes_and_state(
    ctx: Context, db_url: str
) -> None:
    """The forger recomputes every hash; only the signature on the checkpoint gives it away."""
    append(ctx, 9)
    ledger.checkpoint(ctx)
    bodies = [e.body for e in stored_entries(ctx)]
    bodies[4] = canonical_json({"forged": True})
    _rewrite(db_url, bodies)

    problems = audit(ctx).problems

    assert problems == ["checkpoint 9: the signed note is for another tree"]


def test_the_audit_catches_a_checkpoint_signed_by_another_key(ctx: Context, db_url: str) -> None:
    append(ctx, 3)
    honest = ledger.checkpoint(ctx)
    assert ctx.ledger is not None
    forger = Signer.generate(ctx.ledger.signer.name)
    forged = honest.note.split("\n\n")[0] + "\n\n" + forger.sign(b"").line()
    with as_administrator(db_url) as conn:
        conn.execute(update(ledger_checkpoints).values(note=forged))

    (problem,) = audit(ctx).problems

    assert problem.startswith("checkpoint 3: the note has no signature from a trusted key")


def test_the_audit_catches_missing_nodes_and_a_wrong_state(ctx: Context, db_url: str) -> None:
    append(ctx, 6)
    with as_administrator(db_url) as conn:
        conn.execute(
            ledger_nodes.delete().where(ledger_nodes.c.level == 1, ledger_nodes.c.idx == 2)
        )
        conn.execute(update(ledger_state).values(frontier=bytes(64)))

    problems = audit(ctx).problems

    assert "node (1, 2) is missing" in problems
    assert "the state row's frontier does not match the entries" in problems
    assert "the log of 6 entries has 10 nodes, 9 are stored" in problems


def test_the_audit_catches_a_deleted_entry(ctx: Context, db_url: str) -> None:
    append(ctx, 6)
    with as_administrator(db_url) as conn:
        conn.execute(ledger_entries.delete().where(ledger_entries.c.idx == 2))

    assert "entry 2 is missing (the next stored is 3)" in audit(ctx).problems


def _rewrite(url: str, bodies: list[bytes]) -> None:
    """Replace the log's entries, nodes, state and checkpoint roots by those of ``bodies``:
    everything but the signatures, which need the key."""
    tree = MemoryTree.from_entries(bodies)
    with as_administrator(url) as conn:
        for i, body in enumerate(bodies):
            conn.execute(
                update(ledger_entries)
                .where(ledger_entries.c.idx == i)
                .values(body=body, leaf_hash=leaf_hash(body))
            )
        for level, index in conn.execute(select(ledger_nodes.c.level, ledger_nodes.c.idx)).all():
            conn.execute(
                update(ledger_nodes)
                .where(ledger_nodes.c.level == level, ledger_nodes.c.idx == index)
                .values(hash=tree.node(level, index))
            )
        peaks = [
            tree.node(lv, (len(bodies) >> lv) - 1)
            for lv in reversed(range(8))
            if len(bodies) >> lv & 1
        ]
        conn.execute(update(ledger_state).values(frontier=b"".join(peaks)))
        for (size,) in conn.execute(select(ledger_checkpoints.c.size)).all():
            conn.execute(
                update(ledger_checkpoints)
                .where(ledger_checkpoints.c.size == size)
                .values(root=tree.root(size))
            )


# ---- concurrency ------------------------------------------------------------------------------


def test_parallel_writers_get_contiguous_indices_without_duplicates(ctx: Context) -> None:
    writers, each = 8, 15
    barrier = threading.Barrier(writers + 1)
    errors: list[BaseException] = []

    def write(w: int) -> None:
        barrier.wait()
        try:
            for i in range(each):
                with ctx.uow() as uow:
                    ledger.append(uow, "test.race", f"writer:{w}", {"w": w, "i": i}, at=AT)
                    uow.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def sign() -> None:
        barrier.wait()
        for _ in range(5):
            ledger.checkpoint(ctx)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    threads.append(threading.Thread(target=sign))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    entries = stored_entries(ctx)
    assert [e.index for e in entries] == list(range(writers * each))
    seen = {(json.loads(e.body)["record"]["w"], json.loads(e.body)["record"]["i"]) for e in entries}
    assert len(seen) == writers * each
    # Each writer's own entries keep their order.
    for w in range(writers):
        mine = [json.loads(e.body)["record"]["i"] for e in entries if e.subject == f"writer:{w}"]
        assert mine == list(range(each))
    ledger.checkpoint(ctx)
    assert audit(ctx).problems == []


def _verdict() -> uc.ArbitrationCommand:
    from aftersales.domain.cases_types import LiableParty, ResolutionType, Verdict

    return uc.ArbitrationCommand(
        Verdict.CONSUMER, LiableParty.MERCHANT, ResolutionType.REFUND_ONLY, 5000, "refund"
    )


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_a_database_is_not_served_with_a_key_that_did_not_sign_its_log(
    ctx: Context, db_url: str, tmp_path: Path
) -> None:
    """Serving a database with another data directory than its own (the demo's, say) would make
    a second key that signs on where the first stopped: the start is refused instead."""
    append(ctx, 2)
    ledger.checkpoint(ctx)
    elsewhere = Settings(env="test", data_dir=tmp_path / "elsewhere", database_url=db_url)
    with pytest.raises(AftersalesError, match=r"there is no key at .*\(AFTERSALES_DATA_DIR"):
        bootstrap(elsewhere, schema="as_is")
    assert not (tmp_path / "elsewhere" / "ledger").exists()  # no stray key was made
    generate_keys(elsewhere.ledger_key_path, elsewhere.ledger_salt_path, elsewhere.ledger_origin)
    with pytest.raises(AftersalesError, match="did not sign this database's evidence log"):
        bootstrap(elsewhere, schema="as_is")
    own = Settings(env="test", data_dir=tmp_path, database_url=db_url)
    bootstrap(own, schema="as_is").close()  # its own key: served as before
