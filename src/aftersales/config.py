"""Settings: the one place that reads the environment (variables prefixed ``AFTERSALES_``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from aftersales.domain.cases_types import CaseType
from aftersales.domain.sla import AfterSalesWindows, SlaTerms
from aftersales.recall.terms import ClusterRule, RecallTerms

__all__ = ["Settings"]

_DEFAULT_WINDOWS: dict[CaseType, int] = {
    CaseType.RETURN_REFUND: 15,
    CaseType.REFUND_ONLY: 15,
    CaseType.EXCHANGE: 15,
    CaseType.REPAIR: 365,
    CaseType.COMPLAINT: 90,
    CaseType.SAFETY_REPORT: 1095,
}


class Settings(BaseSettings):
    """Everything configurable, with defaults fit for the embedded SQLite set-up."""

    model_config = SettingsConfigDict(env_prefix="AFTERSALES_", env_nested_delimiter="__")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""  # empty: a SQLite file inside data_dir

    # Default SLA clocks. The policy decision sets the response, proposal and resolution clocks
    # of every new case; these apply to the rest (consumer reply, appeal, closing).
    first_response_hours: float = Field(24, gt=0)
    proposal_hours: float = Field(72, gt=0)
    resolution_hours: float = Field(168, gt=0)
    consumer_reply_hours: float = Field(72, gt=0)
    appeal_days: float = Field(30, gt=0)
    close_after_days: float = Field(7, gt=0)
    # Days after delivery (or purchase, if not delivered) a case of each type may be opened.
    window_days: dict[CaseType, int] = Field(default_factory=lambda: dict(_DEFAULT_WINDOWS))

    # The policy pack in force until an operator activates another (`aftersales policy
    # activate`); empty means the pack shipped in policies/. Servers look for a newer
    # activation this often.
    policy_dir: Path | None = None
    policy_refresh_seconds: float = Field(5, ge=0)
    # The triage model; empty means the one shipped in the package.
    triage_model: Path | None = None

    evidence_max_bytes: int = Field(10 * 1024 * 1024, gt=0)
    sweep_interval_seconds: float = Field(60, gt=0)
    idempotency_ttl_hours: float = Field(24, gt=0)
    # Seconds a server trusts a token it has checked before asking the database again; a token
    # revoked by another process (the CLI, another server) is refused at most this much later.
    token_cache_seconds: float = Field(5, ge=0)

    # The evidence log (docs/evidence-log.md). The origin names the log in every checkpoint and
    # is the name of its key: set it once per deployment (a schema-less URL), never change it.
    ledger_origin: str = Field("aftersales.local/evidence-log", pattern=r"^[^\s+]+$")
    ledger_key_file: Path | None = None  # default: data_dir/ledger/log.skey
    ledger_salt_file: Path | None = None  # default: data_dir/ledger/personal-data.salt
    ledger_checkpoint_seconds: float = Field(30, gt=0)

    # The emergency plan (docs/recalls.md): this many safety reports on one batch (or product)
    # within the window open a recall review; the safety team assesses a review within hours.
    recall_cluster_reports: int = Field(3, ge=1)
    recall_cluster_days: float = Field(7, gt=0)
    safety_review_hours: float = Field(4, gt=0)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'aftersales.db'}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def ledger_key_path(self) -> Path:
        return self.ledger_key_file or self.data_dir / "ledger" / "log.skey"

    @property
    def ledger_salt_path(self) -> Path:
        return self.ledger_salt_file or self.data_dir / "ledger" / "personal-data.salt"

    def sla_terms(self) -> SlaTerms:
        return SlaTerms(
            first_response_hours=self.first_response_hours,
            proposal_hours=self.proposal_hours,
            resolution_hours=self.resolution_hours,
            consumer_reply_hours=self.consumer_reply_hours,
            appeal_days=self.appeal_days,
            close_after_days=self.close_after_days,
        )

    def recall_terms(self) -> RecallTerms:
        cluster = ClusterRule(self.recall_cluster_reports, timedelta(days=self.recall_cluster_days))
        return RecallTerms(cluster=cluster, safety_review_hours=self.safety_review_hours)

    def windows(self) -> AfterSalesWindows:
        return AfterSalesWindows(
            {t: self.window_days.get(t, _DEFAULT_WINDOWS[t]) for t in CaseType}
        )
