"""Helpers shared by the importer tests: sample paths, review texts, table snapshots."""

import os
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parents[2]
SAMPLES_DIR = PROJECT_DIR / "samples"


def shared_samples_dir() -> Path:
    override = os.environ.get("REVIEW_SAMPLES_DIR")
    if override:
        return Path(override)
    return PROJECT_DIR.parent / "shared" / "samples"


def ballerina_path() -> Path:
    path = shared_samples_dir() / "ballerina.txt"
    if not path.is_file():
        pytest.skip(
            f"../shared/samples/ is absent: {path} not found "
            "(set REVIEW_SAMPLES_DIR to the folder holding ballerina.txt)"
        )
    return path


def row_counts() -> dict[str, int]:
    """Rows in every table of every model: a refused import must leave all of them alone."""
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    }


def review_text(
    *,
    film="Paper Moons",
    headline=None,
    intro="Some films are quiet. This one is *quieter* still.",
    metadata=None,
    synopsis="A clockmaker, Ada Finch (Mirela Stone), repairs the town clock.",
    sections=(
        "Mirela Stone keeps time beautifully\n\n"
        "Mirela Stone is precise and warm; Oskar Lute is fine.\n\n"
        "A plot that runs slow\n\n"
        "The middle drags."
    ),
    final="FINAL STATEMENT\n\nWorth the wait.",
    cast="Mirela Stone, Oskar Lute",
    director="Hal Benn",
    writer="Hal Benn",
    release="June 6, 2025",
) -> str:
    if headline is None:
        headline = f"'{film}' Review: A Small Film With a Big Heart"
    if metadata is None:
        metadata = (
            "MPA Rating: PG (mild peril.)\n\nRuntime: 98 minutes\n\n"
            "Production Company: Gearwheel Films\n\nDistributor: Tock Pictures\n\n"
            f"Director: {director}\n\nWriter: {writer}\n\nCast: {cast}\n\n"
            f"Release Date: {release}"
        )
    parts = [headline, intro, metadata, synopsis, sections, final]
    return "\n\n".join(part for part in parts if part) + "\n"


def table_snapshot() -> dict[str, str]:
    """A hash of every row of every table: a refused import must change no content at all."""
    import hashlib

    tables = set(connection.introspection.table_names())
    snapshot = {}
    for model in apps.get_models():
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table not in tables:
            continue
        # Raw SQL: the stored values themselves, not Python objects built from them.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(meta.db_table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
        snapshot[meta.label] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return snapshot
