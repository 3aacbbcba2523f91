"""The on-disk model registry: immutable versions, movable aliases, verified loading.

Layout under the registry root (``models/`` by default)::

    <model>/<version>/artifact.json      predictor state (JSON, no executable objects)
    <model>/<version>/record.json        the launch record the predictor reads (history as
                                         columns, GCAT's reference lists), for predictors that
                                         read one; the models of one training run hold equal
                                         records, which a registry loads once
    <model>/<version>/metadata.json      data hash and cutoff, code and library versions, ...
    <model>/<version>/MODEL_CARD.md      the card, with its PNG plots beside it
    <model>/<version>/backtest_rows.json the model's backtest prediction for every row, keyed
                                         (so a later version is compared on the same rows)
    <model>/<version>/MANIFEST.json      sha256 of every other file of the version
    <model>/aliases/<alias>              {"version": ...}: champion, challenger

A version is written into a temporary folder and renamed into place, so it appears whole or
not at all, and it is never overwritten. An alias file is replaced atomically. Loading checks
every file against the manifest and rebuilds the predictor only from an allow-listed kind.
A version holds only JSON, Markdown and PNG files: a file of any other type (a pickle, a
joblib dump) refuses the whole version, even when the manifest lists it. The JSON files are
the four named above and are only ever parsed as JSON data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tminus.data.manifest import sha256_file
from tminus.predictors.base import Predictor, StateError
from tminus.registry.errors import (
    AliasNotFoundError,
    ArtifactIntegrityError,
    ModelNotFoundError,
    RegistryError,
    RegistryWriteError,
    UnsafeArtifactError,
    VersionExistsError,
    VersionNotFoundError,
)

if TYPE_CHECKING:
    from tminus.predictors.asof import LaunchRecord

ARTIFACT = "artifact.json"
METADATA = "metadata.json"
CARD = "MODEL_CARD.md"
MANIFEST = "MANIFEST.json"
BACKTEST_ROWS = "backtest_rows.json"
RECORD = "record.json"
# The JSON files a version may hold besides its Markdown cards and PNG plots.
JSON_FILES = (ARTIFACT, METADATA, BACKTEST_ROWS, RECORD)
ALIASES = "aliases"
KNOWN_ALIASES = ("champion", "challenger")

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Versions are UTC timestamps to the microsecond plus a random suffix: 20261129T093512123456Z-3fa2
_VERSION = re.compile(r"^(\d{8}T\d{12}Z)-([0-9a-f]{4})$")
_ALIAS = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
# Extra files of a version (besides the artifact and metadata): the model card and its plots.
# Nothing that a general-purpose loader would deserialise (pickle, joblib, ...) is allowed.
_EXTRA_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(md|png)$")


def check_model_name(name: str) -> str:
    """``name`` if it is a valid model name, else :class:`ModelNotFoundError`."""
    if not _NAME.match(name):
        raise ModelNotFoundError(f"invalid model name {name!r}")
    return name


def check_alias(alias: str) -> str:
    """``alias`` if it is a valid alias name, else :class:`AliasNotFoundError`."""
    if not _ALIAS.match(alias):
        raise AliasNotFoundError(f"invalid alias {alias!r}: lowercase letters, digits, - and _")
    return alias


def version_sort_key(version: str) -> datetime:
    """When a version was made: versions sort by time, never as plain strings."""
    match = _VERSION.match(version)
    if not match:
        raise VersionNotFoundError(f"invalid version id {version!r}")
    try:
        moment = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%fZ")
    except ValueError:
        # Right shape, impossible moment (month 13, second 60): no version can have this id.
        raise VersionNotFoundError(
            f"invalid version id {version!r}: its timestamp is not a real UTC moment"
        ) from None
    return moment.replace(tzinfo=UTC)


def new_version_id(now: datetime | None = None) -> str:
    """A fresh, time-ordered version id."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment.strftime('%Y%m%dT%H%M%S%fZ')}-{secrets.token_hex(2)}"


def _write_json(path: Path, payload: Any, *, compact: bool = False) -> None:
    layout: dict[str, Any] = {"separators": (",", ":")} if compact else {"indent": 2}
    path.write_text(json.dumps(payload, sort_keys=True, default=str, **layout) + "\n")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class ModelVersion:
    """One registered, immutable version of a model."""

    model: str
    version: str
    path: Path
    metadata: dict[str, Any]

    @property
    def created_at(self) -> datetime:
        """When the version was registered (from its id)."""
        return version_sort_key(self.version)


@dataclass(frozen=True)
class LoadedModel:
    """A verified version and the predictor rebuilt from it."""

    version: ModelVersion
    predictor: Predictor


def _read_checked(version: ModelVersion, name: str, manifest: Mapping[str, str]) -> Any:
    """A verified version's JSON file ``name``, parsed from the very bytes whose sha256 is
    checked against the manifest (not a file that could change after :meth:`Registry.verify`)."""
    path = version.path / name
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ArtifactIntegrityError(f"{path}: unreadable ({exc})") from exc
    if hashlib.sha256(content).hexdigest() != manifest.get(name):
        raise ArtifactIntegrityError(
            f"{version.model} {version.version}: {name} is missing from its manifest or "
            "changed while it was loaded"
        )
    try:
        return json.loads(content)
    except ValueError as exc:
        raise ArtifactIntegrityError(f"{path}: unreadable ({exc})") from exc


class Registry:
    """The registry rooted at ``root``; the only code that touches that folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        # Launch records loaded, by the sha256 of their file: versions trained on the same
        # data share one while any of them is loaded (a record never changes).
        self._records: weakref.WeakValueDictionary[str, LaunchRecord] = (
            weakref.WeakValueDictionary()
        )

    # ---- listing ------------------------------------------------------------------------
    def redact(self, message: str) -> str:
        """``message`` with the registry's own location taken out, for API clients: paths in it
        read relative to the registry root, which is named ``<models>``."""
        absolute = str(self.root.resolve())
        message = message.replace(absolute + os.sep, "").replace(absolute, "<models>")
        relative = str(self.root)
        if relative != absolute:  # only where a path starts, never inside a word
            start = rf"(?<![\w{re.escape(os.sep)}.]){re.escape(relative)}"
            message = re.sub(start + re.escape(os.sep), "", message)
        return message

    def models(self) -> list[str]:
        """Names of models with at least one version, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and _NAME.match(p.name) and self._version_dirs(p.name)
        )

    def _model_dir(self, model: str) -> Path:
        return self.root / check_model_name(model)

    def _version_dirs(self, model: str) -> list[Path]:
        folder = self._model_dir(model)
        if not folder.is_dir():
            return []
        return [p for p in folder.iterdir() if p.is_dir() and _VERSION.match(p.name)]

    def versions(self, model: str) -> list[ModelVersion]:
        """Every version of ``model``, oldest first; :class:`ModelNotFoundError` if none."""
        dirs = self._version_dirs(model)
        if not dirs:
            # No path: this message reaches API clients, who must not learn the server's layout.
            raise ModelNotFoundError(f"no versions of model {model!r}")
        dirs.sort(key=lambda p: version_sort_key(p.name))
        return [self._read_version(model, p) for p in dirs]

    def get(self, model: str, version: str) -> ModelVersion:
        """One version by id (metadata read, files not yet verified)."""
        version_sort_key(version)
        path = self._model_dir(model) / version
        if not path.is_dir():
            if not self._version_dirs(model):
                raise ModelNotFoundError(f"no versions of model {model!r}")
            raise VersionNotFoundError(f"model {model!r} has no version {version!r}")
        return self._read_version(model, path)

    def _read_version(self, model: str, path: Path) -> ModelVersion:
        try:
            metadata = json.loads((path / METADATA).read_text())
        except (OSError, ValueError) as exc:
            raise ArtifactIntegrityError(f"{path / METADATA}: unreadable ({exc})") from exc
        if not isinstance(metadata, dict):
            raise ArtifactIntegrityError(f"{path / METADATA}: not a JSON object")
        return ModelVersion(model=model, version=path.name, path=path, metadata=metadata)

    # ---- writing ------------------------------------------------------------------------
    def register(
        self,
        model: str,
        *,
        predictor: Predictor,
        metadata: Mapping[str, Any],
        files: Mapping[str, bytes],
        version: str | None = None,
    ) -> ModelVersion:
        """Write a new immutable version atomically and return it.

        ``files`` are extra files of the version (the model card, its plots) by file name.
        """
        if predictor.model != model:
            raise RegistryError(f"a {predictor.model} predictor cannot be registered as {model!r}")
        version = version or new_version_id()
        version_sort_key(version)
        folder = self._model_dir(model)
        final = folder / version
        if final.exists():
            raise VersionExistsError(f"{model} version {version} exists; versions are immutable")
        tmp = folder / f".tmp-{version}-{secrets.token_hex(4)}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp.mkdir()
        except OSError as exc:
            raise RegistryWriteError(
                f"cannot register {model}: {folder} is not writable ({exc.strerror or exc})"
            ) from exc
        try:
            state = predictor.to_state()
            if isinstance(state.get("record"), dict):
                # The launch record in its own file, compact: its sha256 names it.
                _write_json(tmp / RECORD, state["record"], compact=True)
                state = {**state, "record": {"file": RECORD}}
            _write_json(tmp / ARTIFACT, {"kind": predictor.kind, "state": state})
            _write_json(tmp / METADATA, {**metadata, "model": model, "version": version})
            for name, content in files.items():
                if name != BACKTEST_ROWS and (
                    name in (ARTIFACT, METADATA, MANIFEST, RECORD) or not _EXTRA_FILE.match(name)
                ):
                    raise RegistryError(
                        f"invalid extra file name {name!r}: extra files are Markdown cards, "
                        f"PNG plots (name.md, name.png) and {BACKTEST_ROWS}"
                    )
                (tmp / name).write_bytes(content)
            manifest = {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.name != MANIFEST}
            _write_json(tmp / MANIFEST, {"files": manifest})
            for p in tmp.iterdir():
                with p.open("rb") as fh:
                    os.fsync(fh.fileno())
            _fsync_dir(tmp)
            os.rename(tmp, final)
            _fsync_dir(folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return self._read_version(model, final)

    # ---- aliases ------------------------------------------------------------------------
    def aliases(self, model: str) -> dict[str, str]:
        """Alias -> version for ``model``."""
        folder = self._model_dir(model) / ALIASES
        out: dict[str, str] = {}
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if _ALIAS.match(path.name):
                    out[path.name] = self._read_alias(path)
        return out

    def _read_alias(self, path: Path) -> str:
        try:
            payload = json.loads(path.read_text())
            version = payload["version"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ArtifactIntegrityError(f"alias file {path} is unreadable ({exc})") from exc
        if not isinstance(version, str):
            raise ArtifactIntegrityError(f"alias file {path} does not name a version")
        return version

    def resolve(self, model: str, alias: str) -> str:
        """The version ``alias`` points at."""
        path = self._model_dir(model) / ALIASES / check_alias(alias)
        if not path.is_file():
            if not self._version_dirs(model):
                raise ModelNotFoundError(f"no versions of model {model!r}")
            raise AliasNotFoundError(f"model {model!r} has no alias {alias!r}")
        return self._read_alias(path)

    def set_alias(self, model: str, alias: str, version: str) -> ModelVersion:
        """Point ``alias`` at ``version`` with an atomic replace, once the version loads.

        The version is verified *and* rebuilt first (as a service would load it): a version
        whose files match its manifest but whose artifact is not an allow-listed predictor
        (a re-signed pickle, an unknown kind) never gets an alias, so no alias ever names a
        version that a service started on the registry would refuse.
        """
        check_alias(alias)
        target = self.load(model, version).version
        folder = self._model_dir(model) / ALIASES
        tmp = folder / f".{alias}.{secrets.token_hex(4)}.tmp"
        payload = {"version": version, "updated_at": datetime.now(UTC).isoformat()}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tmp.open("w") as fh:
                fh.write(json.dumps(payload) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, folder / alias)
            _fsync_dir(folder)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise RegistryWriteError(
                f"cannot move alias {alias!r} of {model!r}: {folder} is not writable "
                f"({exc.strerror or exc})"
            ) from exc
        return target

    def delete_alias(self, model: str, alias: str) -> None:
        """Remove an alias (the version stays)."""
        path = self._model_dir(model) / ALIASES / check_alias(alias)
        if not path.is_file():
            raise AliasNotFoundError(f"model {model!r} has no alias {alias!r}")
        path.unlink()

    # ---- verified loading ---------------------------------------------------------------
    def verify(self, version: ModelVersion) -> dict[str, str]:
        """Check every file of a version against its manifest; raise if anything differs.

        Returns the manifest (file name -> sha256). Raises :class:`ArtifactIntegrityError` for
        a missing, extra or changed file and :class:`UnsafeArtifactError` for a file of a type
        a version never holds (anything but the JSON artifact and metadata, ``.md``, ``.png``).
        """
        path = version.path
        try:
            manifest = json.loads((path / MANIFEST).read_text())["files"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ArtifactIntegrityError(f"{path / MANIFEST}: unreadable ({exc})") from exc
        if not isinstance(manifest, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in manifest.items()
        ):
            raise ArtifactIntegrityError(f"{path / MANIFEST}: malformed")
        try:
            present = {p.name for p in path.iterdir() if p.name != MANIFEST}
        except OSError as exc:
            raise ArtifactIntegrityError(f"{path}: unreadable ({exc})") from exc
        if present != set(manifest):
            missing = sorted(set(manifest) - present)
            extra = sorted(present - set(manifest))
            raise ArtifactIntegrityError(
                f"{version.model} {version.version}: files differ from the manifest "
                f"(missing {missing}, unexpected {extra})"
            )
        unsafe = sorted(n for n in manifest if n not in JSON_FILES and not _EXTRA_FILE.match(n))
        if unsafe:
            raise UnsafeArtifactError(
                f"{version.model} {version.version}: files {unsafe} are not allowed in a "
                "version (only the JSON artifact, record, metadata and backtest rows, Markdown "
                "cards and PNG plots); pickle, joblib and other executable formats are never "
                "loaded"
            )
        for name, expected in manifest.items():
            try:
                actual = sha256_file(path / name)
            except OSError as exc:
                raise ArtifactIntegrityError(
                    f"{version.model} {version.version}: {name} is unreadable ({exc})"
                ) from exc
            if actual != expected:
                raise ArtifactIntegrityError(
                    f"{version.model} {version.version}: {name} has sha256 {actual[:12]}..., "
                    f"the manifest says {expected[:12]}...: the file was changed"
                )
        return manifest

    def load(self, model: str, version: str) -> LoadedModel:
        """Verify a version and rebuild its predictor from an allow-listed kind."""
        record = self.get(model, version)
        manifest = self.verify(record)
        payload = _read_checked(record, ARTIFACT, manifest)
        if not isinstance(payload, dict) or not isinstance(payload.get("state"), dict):
            raise UnsafeArtifactError(
                f"{model} {version}: artifact is not a {{kind, state}} object"
            )
        # Imported here: listing versions and aliases must not load numpy and scipy.
        from tminus.predictors.kinds import predictor_kinds

        kinds = predictor_kinds()
        kind = payload.get("kind")
        cls = kinds.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise UnsafeArtifactError(
                f"{model} {version}: artifact kind {kind!r} is not allowed "
                f"(allowed: {sorted(kinds)})"
            )
        if cls.model != model:
            raise UnsafeArtifactError(f"{model} {version}: artifact is a {cls.model} predictor")
        state = payload["state"]
        try:
            if state.get("record") == {"file": RECORD}:
                state = {**state, "record": self._record(record, manifest)}
            predictor = cls.from_state(state)
        except (StateError, KeyError, TypeError, ValueError) as exc:
            raise UnsafeArtifactError(f"{model} {version}: malformed state ({exc})") from exc
        return LoadedModel(version=record, predictor=predictor)

    def _record(self, version: ModelVersion, manifest: Mapping[str, str]) -> LaunchRecord:
        """The launch record of a verified version, loaded once per distinct file content."""
        from tminus.predictors.asof import LaunchRecord

        expected = manifest.get(RECORD, "")
        cached = self._records.get(expected)
        if cached is not None:
            return cached
        state = _read_checked(version, RECORD, manifest)
        if not isinstance(state, dict):
            raise UnsafeArtifactError(f"{version.model} {version.version}: {RECORD} malformed")
        loaded = LaunchRecord.from_state(state)
        self._records[expected] = loaded
        return loaded

    def backtest_rows(self, version: ModelVersion) -> dict[str, Any] | None:
        """A verified version's per-row backtest predictions (JSON data), None if it has none.

        Versions written before this file existed have none.
        """
        manifest = self.verify(version)
        if BACKTEST_ROWS not in manifest:
            return None
        content = (version.path / BACKTEST_ROWS).read_bytes()
        if hashlib.sha256(content).hexdigest() != manifest[BACKTEST_ROWS]:
            raise ArtifactIntegrityError(
                f"{version.model} {version.version}: {BACKTEST_ROWS} changed while it was read"
            )
        try:
            payload = json.loads(content)
        except ValueError as exc:
            raise ArtifactIntegrityError(
                f"{version.model} {version.version}: {BACKTEST_ROWS} is unreadable ({exc})"
            ) from exc
        if not isinstance(payload, dict):
            raise ArtifactIntegrityError(
                f"{version.model} {version.version}: {BACKTEST_ROWS} is not a JSON object"
            )
        return payload

    def load_alias(self, model: str, alias: str) -> LoadedModel:
        """Load the version an alias points at."""
        return self.load(model, self.resolve(model, alias))

    # ---- export -------------------------------------------------------------------------
    def export(
        self, alias: str, dest: Path, *, models: Sequence[str] | None = None
    ) -> dict[str, str]:
        """Copy each model's ``alias`` version (verified) and alias file into registry ``dest``.

        ``models`` limits the export to those models (default: every model in the registry).
        """
        target = Registry(dest)
        exported: dict[str, str] = {}
        for model in self.models() if models is None else models:
            try:
                version = self.resolve(model, alias)
            except AliasNotFoundError:
                continue
            record = self.get(model, version)
            self.verify(record)
            out = target._model_dir(model) / version
            if not out.exists():
                out.parent.mkdir(parents=True, exist_ok=True)
                tmp = out.parent / f".tmp-{version}-{secrets.token_hex(4)}"
                shutil.copytree(record.path, tmp)
                os.rename(tmp, out)
            target.set_alias(model, alias, version)
            exported[model] = version
        return exported
