"""How each model is trained, described once: its trainer, the tables it reads, whose data.

``tminus train``, ``make retrain``, the metadata and the model cards are generated from
:data:`TRAINERS`; one entry per model of ``tminus.predictors.kinds``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Final

from tminus.data import schema as S
from tminus.predictors.kinds import MODEL_NAMES
from tminus.training.result import TrainedModel

ATTRIBUTION: Final = {
    "gcat": "Data from GCAT (J. McDowell, planet4589.org/space/gcat), CC BY 4.0",
    "spacex": "SpaceX data from the r/SpaceX API (github.com/r-spacex/SpaceX-API)",
    "bravo": "BRAVO weather/launch dataset, github.com/miscpeeps/bravo-wx-launch (MIT); "
    "launch metadata from The Space Devs Launch Library 2",
}
# The reference lists (vehicles and pads GCAT knows, flown or not, and where launches went) go
# into every artifact that answers about vehicles and pads.
REFERENCE_TABLES: Final = (
    S.VEHICLE_VARIANTS,
    S.PADS_REFERENCE,
    S.LAUNCH_ORBITS,
    # T-Minus' own vehicle reference: status, capacities, their sources, names people write.
    S.VEHICLE_FACTS,
    S.VEHICLE_CAPACITY,
    S.REFERENCE_SOURCES,
    S.NAME_ALIASES,
)


@dataclass(frozen=True)
class TrainerSpec:
    """One model's training: ``train`` (``module:function``) gets ``tables`` by name.

    The first table dates the model's data (its cutoff); ``sources`` name the attribution.
    """

    name: str
    train: str
    tables: tuple[str, ...]
    sources: tuple[str, ...]

    def trainer(self) -> Callable[..., TrainedModel]:
        """The training function, imported now (so ``--model X`` loads only what X needs)."""
        module, _, function = self.train.partition(":")
        found: Callable[..., TrainedModel] = getattr(import_module(module), function)
        return found

    @property
    def attribution(self) -> list[str]:
        """Whose data the model was trained on, as the licences ask it to be credited."""
        return [ATTRIBUTION[source] for source in self.sources]


TRAINERS: Final[dict[str, TrainerSpec]] = {
    spec.name: spec
    for spec in (
        TrainerSpec(
            "launch_failure",
            "tminus.training.launch_failure:train",
            (S.LAUNCHES, *REFERENCE_TABLES),
            # launch_orbits carries the SpaceX API's payload masses.
            ("gcat", "spacex"),
        ),
        TrainerSpec(
            "booster_landing",
            "tminus.training.booster_landing:train",
            (S.BOOSTER_LANDINGS,),
            ("spacex",),
        ),
        TrainerSpec(
            "pad_turnaround",
            "tminus.training.timing:train_pad_turnaround",
            (S.LAUNCHES, *REFERENCE_TABLES),
            # launch_orbits carries the SpaceX API's payload masses.
            ("gcat", "spacex"),
        ),
        TrainerSpec(
            "return_to_flight",
            "tminus.training.timing:train_return_to_flight",
            (S.LAUNCHES, *REFERENCE_TABLES),
            # launch_orbits carries the SpaceX API's payload masses.
            ("gcat", "spacex"),
        ),
        TrainerSpec(
            "weather_scrub",
            "tminus.training.weather_scrub:train",
            (S.WEATHER_EVENTS,),
            ("bravo",),
        ),
        TrainerSpec(
            "launch_anomaly",
            "tminus.training.launch_anomaly:train",
            (S.LAUNCHES, *REFERENCE_TABLES),
            # launch_orbits carries the SpaceX API's payload masses.
            ("gcat", "spacex"),
        ),
    )
}
if tuple(TRAINERS) != MODEL_NAMES:
    raise RuntimeError(
        "every model in tminus.predictors.kinds needs exactly one TrainerSpec, in the same order"
    )


def trainer_of(name: str) -> TrainerSpec:
    """The training entry of model ``name``; :class:`ValueError` naming the models if unknown."""
    spec = TRAINERS.get(name)
    if spec is None:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(TRAINERS)}")
    return spec
