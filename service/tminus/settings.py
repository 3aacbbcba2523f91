"""One settings object, read from the environment (prefix ``TMINUS_``).

Paths are relative to the working directory (the project root when run through ``make``),
never computed from ``__file__``.
"""

from __future__ import annotations

import socket
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``TMINUS_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="TMINUS_", extra="ignore")

    data_dir: Path = Field(default=Path("datasets"), description="Raw and processed data.")
    models_dir: Path = Field(default=Path("models"), description="The model registry folder.")
    data_mirror: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("DATA_MIRROR", "TMINUS_DATA_MIRROR"),
        description="Local mirror of the public sources; None downloads from upstream.",
    )
    upstream: str = Field(
        default="https://planet4589.org/space/gcat/tsv",
        min_length=1,
        description="GCAT's TSV base URL for `tminus data update` (launch/launch.tsv, "
        "tables/lv.tsv, ...); a file:// URL reads a local copy laid out the same way.",
    )
    random_state: int = Field(default=20_251_129, description="Seed for every random step.")
    admin_key: SecretStr | None = Field(
        default=None, description="API key for admin routes; admin routes are off without it."
    )
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint.")
    llm_model: str | None = Field(default=None, description="Model name at that endpoint.")
    llm_api_key: SecretStr | None = Field(default=None, description="Key for that endpoint.")
    reload_interval_s: float = Field(
        default=2.0, ge=0.1, le=3600, description="How often the service checks aliases."
    )
    replica: str = Field(
        default_factory=socket.gethostname,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$",
        description="This replica's name, sent as X-TMinus-Replica and in /readyz "
        "(default: the host name, i.e. the container or pod name).",
    )

    @property
    def raw_dir(self) -> Path:
        """Where ``tminus data fetch`` puts the source files."""
        return self.data_dir / "raw"

    @property
    def processed_dir(self) -> Path:
        """Where ``tminus data build`` puts the validated parquet tables."""
        return self.data_dir / "processed"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
