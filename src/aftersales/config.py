"""Settings: the one place that reads the environment (variables prefixed ``AFTERSALES_``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from aftersales.domain.cases_types import CaseType
from aftersales.domain.sign_in import SignInTerms
from aftersales.domain.sla import AfterSalesWindows, SlaTerms
from aftersales.errors import ValidationFailed
from aftersales.exposure import DEFAULT_PROGRAMME_WEIGHTS, ExposureConfig, Slot
from aftersales.recall.terms import ClusterRule, RecallTerms
from aftersales.scoring.parameters import DEFAULT_WEIGHTS, ScoringConfig, Weights
from aftersales.scoring.terms import CycleTerms
from aftersales.scoring.tiers import Tier

__all__ = ["Settings"]


def _default_weights() -> dict[Tier, dict[Slot, float]]:
    return {tier: dict(row) for tier, row in DEFAULT_PROGRAMME_WEIGHTS.items()}


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

    # Merchant scoring (docs/scoring.md): the monthly cycle's lookback and the weekly check's
    # window in days, the engine that aggregates, the score's weights by metric (summing to 1;
    # empty: the documented defaults), and how often `serve` looks for a closed month or week.
    cycle_lookback_days: int = Field(90, ge=7, le=366)
    cycle_weekly_days: int = Field(28, ge=7, le=90)
    cycle_engine: Literal["duckdb", "pyspark"] = "duckdb"
    cycle_weights: dict[str, float] = Field(default_factory=dict)
    cycle_check_seconds: float = Field(900, gt=0)

    # The console (docs/console.md): how long a sign-in lasts; how many failed sign-ins in a row
    # pause a user's sign-in, and for how long; the Argon2id cost of a password hash (OWASP's
    # minimum by default: 19 MiB, 2 passes; hashes made with less are upgraded at sign-in).
    console_session_hours: float = Field(12, gt=0)
    console_max_failures: int = Field(5, ge=1)
    console_lockout_minutes: float = Field(15, gt=0)
    password_time_cost: int = Field(2, ge=1)
    password_memory_kib: int = Field(19456, ge=8)

    # Early warning (docs/early-warning.md): `serve` judges the last complete week of every
    # series this often (daily; a week already judged adds nothing). Counts are weighed by the
    # units sold over this many weeks (0: counts alone).
    warning_interval_seconds: float = Field(86400, gt=0)
    warning_exposure_weeks: int = Field(4, ge=0, le=52)

    # Automatic first replies (docs/triage.md): on by default; a knowledge base of one's own
    # (YAML, the format of the shipped one) replaces the shipped file under operators' edits,
    # which servers look for every `knowledge_refresh_seconds`. An OpenAI-compatible endpoint
    # (base URL, e.g. https://llm.example/v1) may draft friendlier openings; empty: off.
    auto_reply: bool = True
    knowledge_base: Path | None = None
    knowledge_refresh_seconds: float = Field(5, ge=0)
    llm_url: str = ""
    llm_api_key: SecretStr | None = None
    llm_model: str = ""
    llm_timeout_seconds: float = Field(3, gt=0, le=30)

    # Traffic incentives (docs/exposure.md): every server process rebuilds its ranking plan
    # this often and shares its pacing counts this often (holds are checked at each share);
    # `serve` looks this often whether a new day (China Standard Time) needs its ladder run.
    exposure_refresh_seconds: float = Field(60, gt=0)
    exposure_sync_seconds: float = Field(5, gt=0)
    ladder_check_seconds: float = Field(600, gt=0)
    exposure_eligible_tiers: list[Tier] = Field(default_factory=lambda: [Tier.EXCELLENT, Tier.GOOD])
    exposure_throttle: float = Field(0.5, gt=0, lt=1)
    # The programme's rules, for operators and what-ifs (docs/exposure.md): the most products in
    # a targeted pool, the boost weights per tier and slot (each >= 1; a slot left out of a
    # tier's row gets no boost there), and whether restricted merchants are throttled at all.
    exposure_pool_limit: int = Field(30, ge=1, le=1000)
    exposure_weights: dict[Tier, dict[Slot, float]] = Field(default_factory=_default_weights)
    exposure_throttling: bool = True

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

    def exposure_config(self) -> ExposureConfig:
        weights = {t: MappingProxyType(dict(row)) for t, row in self.exposure_weights.items()}
        return ExposureConfig(
            eligible_tiers=frozenset(self.exposure_eligible_tiers),
            pool_limit=self.exposure_pool_limit,
            weights=MappingProxyType(weights),
            throttle=self.exposure_throttle,
            throttling=self.exposure_throttling,
        )

    @model_validator(mode="after")
    def _exposure_rules_hold(self) -> Settings:
        # The exposure package's own checks (no penalised tier boosted, weights >= 1, ...) run
        # when the settings are read, so a bad value stops a start or a what-if before it runs.
        try:
            self.exposure_config()
        except ValidationFailed as exc:
            raise ValueError(exc.detail) from None
        return self

    def cycle_terms(self) -> CycleTerms:
        """The cycle's terms; weights that are negative or do not sum to 1 stop the start."""
        weights = Weights.of(self.cycle_weights) if self.cycle_weights else DEFAULT_WEIGHTS
        return CycleTerms(
            ScoringConfig(weights=weights),
            self.cycle_lookback_days,
            self.cycle_weekly_days,
            self.cycle_engine,
        )

    def recall_terms(self) -> RecallTerms:
        cluster = ClusterRule(self.recall_cluster_reports, timedelta(days=self.recall_cluster_days))
        return RecallTerms(cluster=cluster, safety_review_hours=self.safety_review_hours)

    def sign_in_terms(self) -> SignInTerms:
        return SignInTerms(
            session=timedelta(hours=self.console_session_hours),
            max_failures=self.console_max_failures,
            lockout=timedelta(minutes=self.console_lockout_minutes),
            time_cost=self.password_time_cost,
            memory_kib=self.password_memory_kib,
            always_secure=self.env == "production",
        )

    def windows(self) -> AfterSalesWindows:
        return AfterSalesWindows(
            {t: self.window_days.get(t, _DEFAULT_WINDOWS[t]) for t in CaseType}
        )
