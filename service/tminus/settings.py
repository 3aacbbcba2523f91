"""One settings object, read from the environment (prefix ``TMINUS_``).

Paths are relative to the working directory (the project root when run through ``make``),
never computed from ``__file__``.
"""

from __future__ import annotations

import socket
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A list setting, written in the environment as comma-separated values (or a JSON list).
CommaList = Annotated[list[str], NoDecode]


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
    download_max_bytes: int = Field(
        default=128 * 1024 * 1024,
        ge=1024,
        description="Bytes one download of `tminus data update` or `data fetch` may take; "
        "refused the moment it passes (GCAT's whole launch list is about 11 MB).",
    )
    download_timeout_s: float = Field(
        default=300.0,
        gt=0,
        le=86_400,
        description="Seconds one download may take from its start to its last byte.",
    )
    download_allowed_hosts: CommaList = Field(
        default=[],
        description="Hosts a download may be redirected to besides its URL's own "
        "(comma-separated; the scheme must stay the same).",
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

    http_max_header_bytes: int = Field(
        default=64 * 1024,
        ge=4 * 1024,
        le=1024 * 1024,
        description="Request line and headers of one request, at most (431 beyond).",
    )
    http_header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="From a request's first byte to the end of its headers (408 beyond).",
    )
    http_body_timeout_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="From the end of a request's headers to the end of its body (408 beyond).",
    )
    http_keepalive_timeout_s: int = Field(
        default=5,
        ge=1,
        le=3600,
        description="A connection with no request in progress (a new one too) is closed after "
        "this long without a byte.",
    )
    mcp_allowed_hosts: CommaList = Field(
        default=["*"],
        description="Host header values /mcp answers (comma-separated; 'host:*' any port of "
        "host; '*' any host, the default for a service behind a gateway). Others get 421.",
    )
    mcp_allowed_origins: CommaList = Field(
        default=[],
        description="Origin header values /mcp answers (comma-separated; 'origin:*' any port). "
        "Default none: a browser page (which always sends Origin) cannot call /mcp, so a DNS "
        "rebinding page cannot either; clients that send no Origin are not affected. Others "
        "get 403.",
    )

    @field_validator("mcp_allowed_hosts", "mcp_allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

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
