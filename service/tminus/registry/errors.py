"""Typed registry errors; the API maps them to HTTP in one place."""

from __future__ import annotations


class RegistryError(Exception):
    """Base class of every registry failure."""


class ModelNotFoundError(RegistryError):
    """No model of that name has any version."""


class VersionNotFoundError(RegistryError):
    """The model exists but not that version (or the alias points nowhere)."""


class AliasNotFoundError(RegistryError):
    """The alias is not set for that model."""


class VersionExistsError(RegistryError):
    """A version id is already taken: versions are immutable and never overwritten."""


class ArtifactIntegrityError(RegistryError):
    """A file of a version is missing, extra or does not match its recorded sha256."""


class RegistryWriteError(RegistryError):
    """The registry folder cannot be written (read-only mount, permissions, full disk)."""


class UnsafeArtifactError(RegistryError):
    """The artifact names an object type outside the allow-list, or its state is malformed."""
