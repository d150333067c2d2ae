"""Publish a version directory to the Hugging Face Hub, tagged with its version.

The directory is uploaded as it is (the card's YAML already tells the Hub its configs and splits),
after checking it still matches its manifest; files of an earlier version that this one does not have
are deleted in the same commit, so the tagged revision holds exactly this version. A dry run lists
what would be sent and needs no network.
huggingface_hub reads its token from HF_TOKEN or its own login; this module never sees or logs it.
"""

from __future__ import annotations

import contextlib
import importlib
from dataclasses import dataclass
from pathlib import Path

from curation.errors import CurationError
from curation.export.privacy import PersonalData
from curation.export.versions import read_manifest, verify_files


class HubError(CurationError):
    """The Hub refused the upload or could not be reached."""


@dataclass(frozen=True)
class PushPlan:
    repo: str
    revision: str  # the tag the pushed commit gets
    files: list[tuple[str, int]]  # relative path, bytes
    personal_data: PersonalData | None = None  # None: exported before curation recorded it

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size in self.files)


def plan_push(version_dir: Path, repo: str) -> PushPlan:
    """What a push would send; refuses a version directory that no longer matches its manifest."""
    manifest = read_manifest(version_dir)
    damaged = verify_files(version_dir)
    if damaged:
        raise HubError(
            f"{version_dir}: files differ from manifest.json ({', '.join(damaged[:3])}); export a new version"
        )
    paths = sorted(p for p in version_dir.rglob("*") if p.is_file())
    files = [(p.relative_to(version_dir).as_posix(), p.stat().st_size) for p in paths]
    personal = manifest.get("personal_data")
    return PushPlan(
        repo=repo,
        revision=f"v{manifest['version']}",
        files=files,
        personal_data=PersonalData.from_manifest(personal) if isinstance(personal, dict) else None,
    )


def _hub_errors() -> tuple[type[BaseException], ...]:
    """What a failed push raises: HTTP client errors (huggingface_hub 2 uses httpx2), Hub refusals."""
    from huggingface_hub.errors import HfHubHTTPError, HFValidationError, LocalTokenNotFoundError

    errors: list[type[BaseException]] = [OSError, HfHubHTTPError, HFValidationError, LocalTokenNotFoundError]
    for client in ("httpx", "httpx2"):
        with contextlib.suppress(ImportError):
            errors.append(importlib.import_module(client).HTTPError)
    return tuple(errors)


def push_version(plan: PushPlan, version_dir: Path, endpoint: str | None = None) -> str:
    """Upload the directory as one commit and tag it; returns the commit URL."""
    from huggingface_hub import HfApi

    api = HfApi(endpoint=endpoint)
    try:
        api.create_repo(plan.repo, repo_type="dataset", exist_ok=True)
        commit = api.upload_folder(
            repo_id=plan.repo,
            repo_type="dataset",
            folder_path=version_dir,
            commit_message=f"curation export {plan.revision}",
            delete_patterns=["*"],  # the commit is exactly this version: no file left from an older one
        )
        api.create_tag(plan.repo, tag=plan.revision, revision=commit.oid, repo_type="dataset")
    except _hub_errors() as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HubError(
            f"could not push {version_dir} to the Hub dataset {plan.repo} ({reason}); "
            "check the network, the repo name and HF_TOKEN, then run the push again"
        ) from None
    return str(commit.commit_url)
