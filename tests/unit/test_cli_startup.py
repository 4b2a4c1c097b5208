"""The command line starts without the heavy libraries: each is loaded by the work that needs it
(decision 0042). Checked in a fresh interpreter, since this one has loaded everything."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("scipy", "sklearn", "ibis", "duckdb", "sqlalchemy", "pandas")


def test_the_command_line_loads_no_heavy_library_to_start() -> None:
    probe = (
        "import sys, aftersales.cli.main, aftersales.config; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.strip() == "[]", found.stdout + found.stderr


def test_a_light_module_of_a_package_does_not_load_the_package() -> None:
    probe = "import sys, aftersales.scoring.tiers; print('aftersales.scoring.cycle' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.strip() == "False", found.stderr


def test_the_packages_still_export_their_names() -> None:
    from aftersales.exposure import Slot
    from aftersales.scoring import score_cycle
    from aftersales.warning import AlertStatus

    assert callable(score_cycle) and Slot and AlertStatus
