"""Opening a case together with its evidence files, as the console's form sends them."""

from __future__ import annotations

from collections.abc import Sequence

from aftersales.domain.actors import Actor
from aftersales.domain.case import Case
from aftersales.errors import Text, ValidationFailed
from aftersales.services import cases, evidence
from aftersales.services.context import Context

__all__ = ["MAX_FILES", "open_with_evidence"]

MAX_FILES = 5


def open_with_evidence(
    ctx: Context, actor: Actor, cmd: cases.OpenCase, files: Sequence[tuple[str, bytes]]
) -> Case:
    """Open the case, then attach the files.

    Every file is checked first, so a file that would be refused refuses the whole request
    before anything is written; the case and each file then commit as the API commits them."""
    if len(files) > MAX_FILES:
        text = Text(
            f"at most {MAX_FILES} evidence files at once", f"每次最多上传 {MAX_FILES} 个凭证文件"
        )
        raise ValidationFailed(text.en, text=text)
    for _, data in files:
        evidence.check_file(ctx, data)
    case = cases.open_case(ctx, actor, cmd)
    for name, data in files:
        evidence.add_evidence(ctx, actor, case.id, name, data)
    return cases.get_case(ctx, actor, case.id)
