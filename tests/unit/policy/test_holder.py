"""The active pack: swapped whole, and a pack that fails to load leaves the old one active."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from aftersales.policy import ActivePolicy, PackInvalid, load_pack
from tests.unit.policy.support import MANIFEST, facts, write_pack


def pack_dir(root: Path, version: str) -> Path:
    return write_pack(
        root, {}, manifest=MANIFEST.replace('version: "1.0"', f'version: "{version}"')
    )


def test_activating_a_pack_swaps_it_in_and_returns_the_old_one(tmp_path: Path) -> None:
    first, second = (
        load_pack(pack_dir(tmp_path / "a", "1")),
        load_pack(pack_dir(tmp_path / "b", "2")),
    )
    active = ActivePolicy(first)
    assert active.activate(second) is first
    assert active.pack is second
    assert active.decide(facts()).policy_version == "2"


def test_a_pack_that_fails_to_load_leaves_the_active_one_in_place(tmp_path: Path) -> None:
    active = ActivePolicy(load_pack(pack_dir(tmp_path / "a", "1")))
    broken = pack_dir(tmp_path / "b", "2")
    (broken / "rules.yaml").write_text("layer: platform\nrules: [\n", encoding="utf-8")
    with pytest.raises(PackInvalid):
        active.activate_dir(broken)
    assert active.decide(facts()).policy_version == "1"


def test_activate_dir_loads_and_activates(tmp_path: Path) -> None:
    active = ActivePolicy(load_pack(pack_dir(tmp_path / "a", "1")))
    active.activate_dir(pack_dir(tmp_path / "b", "2"))
    assert active.pack.version == "2"


def test_readers_always_see_a_whole_pack_while_packs_are_swapped(tmp_path: Path) -> None:
    packs = [load_pack(pack_dir(tmp_path / v, v)) for v in ("1", "2")]
    active = ActivePolicy(packs[0])
    case, seen, failures = facts(), set(), []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                seen.add(active.decide(case).policy_version)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            failures.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    for i in range(200):
        active.activate(packs[i % 2])
    stop.set()
    for thread in readers:
        thread.join()
    assert failures == []
    assert seen <= {"1", "2"}
