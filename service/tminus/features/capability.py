"""What a vehicle can lift and where it can go: capacity and destinations, each with a source.

A (vehicle, site, orbit class, mass) is feasible when the vehicle can carry the mass to the
class and the site has launched to the class. Whether the vehicle can carry it is decided by
the first of these that has a figure, in this order:

1. **reference**: T-Minus' own vehicle reference (``datasets/reference/vehicles.toml``): the
   provider's rated figure for the class, with its public source. It overrides GCAT where
   they disagree, and the evidence says so. Of the configurations sold (recovered and
   expendable), the usual one is chosen when it covers the mass, else the one that does, and
   the answer names it.
2. Without a rated figure for the class, every lower bound that covers the mass counts, and
   the largest decides: a payload of that mass known to have flown there (**reference**,
   ``kind = demonstrated``), GCAT's rated capacity (``lv.tsv``) for LEO or GTO (**rated**),
   the record's demonstrated masses (**demonstrated**: the SpaceX API's, Falcon launches to
   2022), and **rules**, stated in the answer: a figure to a more demanding class covers a less
   demanding one (GTO covers LEO, SSO and MEO: an SSO is a low orbit, a MEO transfer climbs
   less than GTO; the Moon, escape and GEO cover GTO; escape covers the Moon; a GEO satellite
   rides a GTO and raises itself, so a GTO figure covers GEO).

The same figures also exclude (**bound**): the rated LEO figure bounds every class; the GTO
figure bounds GEO, the Moon and escape; the lunar figure bounds escape. And physics bounds
what LEO allows beyond it: an upper stage that puts m kg into LEO can add at most
``v_e ln(m0/m1)`` of velocity, so with the best chemical engine flying (hydrogen, exhaust
velocity below 4.6 km/s) at least 2.35 km/s more for GTO (and GEO, reached through it), 3.0
for the Moon and 3.15 for escape leave at most 60%, 52% and 50% of the LEO figure (gravity
losses only lower them). A mass above a bound is infeasible.

Anything else is **unknown**: no figure decides it, and unknown is never taken for feasible.

Every reading is as of a moment ``t``: only launches strictly before ``t`` count.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal

from tminus.data import schema as S
from tminus.features.orbits import REACHED_BY, describe, reached_words
from tminus.features.reference import (
    CapacityFigure,
    MassRecord,
    Reached,
    Reference,
    VehicleRef,
    VehicleSpec,
)
from tminus.features.timebase import iso_day

Status = Literal["feasible", "unknown", "infeasible", "not_checked"]
Basis = Literal["reference", "demonstrated", "rated", "rule", "bound", "none"]

# The class whose GCAT rating decides each class (GCAT rates LEO and GTO only).
DECIDING: Final[dict[str, str]] = {
    S.ORBIT_LEO: S.ORBIT_LEO,
    S.ORBIT_GTO: S.ORBIT_GTO,
    S.ORBIT_GEO: S.ORBIT_GTO,
}
# A figure to the key class covers the classes listed (they need less energy).
COVERS: Final = S.COVERS
# A rated figure to the key class bounds the classes listed from above (they need more).
BOUNDS: Final[dict[str, tuple[str, ...]]] = {
    S.ORBIT_LEO: tuple(S.ORBIT_CLASSES),
    S.ORBIT_GTO: (S.ORBIT_GEO, S.ORBIT_LUNAR, S.ORBIT_ESCAPE),
    S.ORBIT_LUNAR: (S.ORBIT_ESCAPE,),
}
# The most of a LEO figure a class beyond LEO can take: exp(-dv / v_e) with the least
# velocity each needs beyond LEO (km/s) and an exhaust velocity above any chemical stage's.
EXHAUST_VELOCITY_KM_S: Final = 4.6
# Above the best vacuum exhaust velocity of any flying stage of each propellant (km/s): RL10
# 4.57 (hydrolox), Raptor Vacuum 3.73 (methalox), RD-0124 3.52 (kerolox), storable engines
# under 3.35 (hypergolic), solid motors under 3.0. The reference names a vehicle's upper stage.
EXHAUST_VELOCITY_BY_STAGE: Final[dict[str, float]] = {
    "hydrolox": 4.6,
    "methalox": 3.8,
    "kerolox": 3.6,
    "hypergolic": 3.4,
    "solid": 3.1,
}
EXTRA_DV_KM_S: Final[dict[str, float]] = {
    S.ORBIT_GTO: 2.35,
    S.ORBIT_LUNAR: 3.0,
    S.ORBIT_ESCAPE: 3.15,
}
LEO_FRACTION: Final[dict[str, float]] = {
    orbit: math.exp(-dv / EXHAUST_VELOCITY_KM_S) for orbit, dv in EXTRA_DV_KM_S.items()
}
# A GEO satellite rides a GTO (direct insertion carries less): GEO is read as GTO.
LEO_FRACTION[S.ORBIT_GEO] = LEO_FRACTION[S.ORBIT_GTO]
# Configurations in the order a planner would buy them: the usual one first.
_EXPENDABLE: Final = ("expendable", "expended")

PHYSICS_RULE: Final = (
    "Beyond LEO, physics bounds what a LEO figure allows (the rocket equation): with the best "
    f"chemical upper stage (exhaust velocity under {EXHAUST_VELOCITY_KM_S} km/s, less for the "
    "propellant T-Minus' reference names for the vehicle's upper stage) and at least "
    + ", ".join(f"{dv} km/s more for {describe(o)}" for o, dv in EXTRA_DV_KM_S.items())
    + ", a payload there is at most "
    + ", ".join(f"{LEO_FRACTION[o]:.0%}" for o in EXTRA_DV_KM_S)
    + " of the LEO figure (GEO, reached through a GTO, as GTO)."
)
RULES: Final[dict[str, str]] = {
    S.ORBIT_LEO: (
        "LEO: T-Minus' reference figure (with its source), else a payload the record shows "
        "carried there, else GCAT's LEO rating; a figure to a more demanding class (SSO, MEO, "
        "GTO, GEO, the Moon, escape) also covers LEO."
    ),
    S.ORBIT_SSO: (
        "SSO: T-Minus' reference figure (with its source), else a payload the record shows "
        "carried there; a GTO (or more demanding) figure covers it, as an SSO needs less energy "
        "than GTO; the LEO figure bounds it from above. In between it is unknown."
    ),
    S.ORBIT_MEO: (
        "MEO: T-Minus' reference figure, else the record; a MEO transfer climbs less than GTO, "
        "so a GTO (or more demanding) figure covers it; the LEO figure bounds it from above."
    ),
    S.ORBIT_GTO: (
        "GTO: T-Minus' reference figure, else the record, else GCAT's GTO rating; a GEO, lunar "
        "or escape figure covers it; the LEO figure bounds it, and so does physics (see "
        "below)."
    ),
    S.ORBIT_GEO: (
        "GEO: T-Minus' reference figure for direct insertion; else the GTO figure is used, as "
        "a GEO satellite usually rides a transfer orbit and raises itself (direct insertion "
        "carries less). The LEO figure and physics bound it."
    ),
    S.ORBIT_HEO: (
        "HEO: T-Minus' reference figure, else the record; the LEO figure bounds it; otherwise "
        "unknown."
    ),
    S.ORBIT_LUNAR: (
        "Moon: T-Minus' reference figure (trans-lunar injection, rated or a payload known to "
        "have flown there), else the record; an escape figure covers it; the GTO and LEO "
        "figures and physics bound it."
    ),
    S.ORBIT_ESCAPE: (
        "Escape: T-Minus' reference figure (C3 >= 0, a Mars transfer included), else the "
        "record; the lunar, GTO and LEO figures and physics bound it."
    ),
}
NO_ORBIT_RULE: Final = (
    "No orbit class was given: the mass is checked against LEO, the least demanding class, "
    "so feasible here means feasible to LEO."
)


def capacity_rule(orbit: str | None, mass_kg: float | None) -> str | None:
    """How capacity is judged for ``orbit`` (None when neither an orbit nor a mass is given)."""
    if orbit is not None:
        text = RULES[orbit]
        if orbit in LEO_FRACTION:
            text += " " + PHYSICS_RULE
        return text
    return NO_ORBIT_RULE if mass_kg is not None else None


@dataclass(frozen=True, slots=True)
class Rating:
    """GCAT's rated capacity of a vehicle to LEO or GTO: one variant's, or a range over them.

    ``variant`` names the variant the figure is for (None when every variant has this figure,
    or when the figure is a range because the variant flying is not known).
    """

    orbit: str
    low: float
    high: float
    variant: str | None
    flying: bool  # the variant is the one the record shows flying

    @property
    def is_range(self) -> bool:
        """Whether the figure depends on a variant the record does not name."""
        return self.high > self.low

    def words(self, vehicle: str) -> str:
        """ "GCAT rates Falcon 9 (variant FT5, the one flying) at 4,850 kg to GTO"."""
        if self.is_range:
            return (
                f"GCAT rates {vehicle}'s variants at {kg(self.low)}-{kg(self.high)} to "
                f"{self.orbit} (which variant flies next is not in the record)"
            )
        which = ""
        if self.variant is not None:
            which = f" (variant {self.variant}{', the one flying' if self.flying else ''})"
        return f"GCAT rates {vehicle}{which} at {kg(self.low)} to {self.orbit}"


@dataclass(frozen=True, slots=True)
class Capacity:
    """Whether a vehicle can carry a mass to an orbit class, why, and the margin.

    ``figure_kg`` is the figure the verdict rests on; ``margin_kg`` is ``figure_kg - mass``
    when the verdict is feasible; ``why`` says it in a sentence, ``source`` cites the public
    document of a reference figure and ``configuration`` names the configuration it is for
    ("recovered", "expendable").
    """

    vehicle: str
    orbit: str | None
    mass_kg: float | None
    status: Status
    basis: Basis
    figure_kg: float | None = None
    margin_kg: float | None = None
    rule: str | None = None
    why: str | None = None
    configuration: str | None = None
    source: str | None = None
    evidence: list[str] = field(default_factory=list)
    demonstrated: MassRecord | None = None
    ratings: dict[str, Rating] = field(default_factory=dict)
    reached: Reached = field(default_factory=Reached)

    @property
    def margin_fraction(self) -> float | None:
        """The margin as a share of the payload mass."""
        if self.margin_kg is None or not self.mass_kg:
            return None
        return self.margin_kg / self.mass_kg


def kg(value: float) -> str:
    """'4,850 kg'."""
    return f"{value:,.0f} kg"


def rating(ref: VehicleRef | None, orbit: str, flying: str | None) -> Rating | None:
    """GCAT's rating of ``ref`` to ``orbit`` (LEO or GTO) for the variant ``flying``.

    The variant the record shows flying when GCAT rates it; else the one figure every rated
    variant shares; else the range over the rated variants. None when no variant is rated.
    """
    if ref is None:
        return None
    column = "leo_capacity_kg" if orbit == S.ORBIT_LEO else "gto_capacity_kg"
    rated = [(v.variant, getattr(v, column)) for v in ref.variants]
    rated = [(code, value) for code, value in rated if value is not None]
    if not rated:
        return None
    if flying is not None:
        own = [value for code, value in rated if code == flying]
        if own:
            return Rating(orbit, min(own), min(own), flying, flying=True)
    values = [value for _, value in rated]
    low, high = min(values), max(values)
    variant = rated[0][0] if low == high and len({c for c, _ in rated}) == 1 else None
    return Rating(orbit, low, high, variant, flying=False)


def _config_order(figure: CapacityFigure) -> int:
    """The usual configuration first (none named, recovered), expendable last."""
    config = (figure.config or "").lower()
    return 2 if any(word in config for word in _EXPENDABLE) else 0


def _figure_words(vehicle: str, figure: CapacityFigure, reference: Reference) -> str:
    """'Falcon 9 carries 5,500 kg to GTO (recovered; GTO 1,800 m/s): SpaceX, ... checked ...'."""
    details = "; ".join(x for x in (figure.config, figure.condition) if x)
    verb = "carries" if figure.rated else "has carried"
    text = f"{vehicle} {verb} {kg(figure.kg)} to {figure.orbit}"
    if details:
        text += f" ({details})"
    if not figure.rated and figure.note:
        text += f" [{figure.note}]"
    source = reference.sources.get(figure.source)
    return text + (f", per {source.cite()}" if source is not None else "")


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A figure that covers (or bounds) the mass, with how it was reached."""

    figure: float
    basis: Basis
    why: str
    configuration: str | None = None
    source: str | None = None


def _rated(spec: VehicleSpec | None, orbit: str) -> list[CapacityFigure]:
    return [] if spec is None else [f for f in spec.figures(orbit) if f.rated]


def _largest(figures: Iterable[CapacityFigure]) -> CapacityFigure | None:
    return max(figures, key=lambda f: f.kg, default=None)


def assess_capacity(
    reference: Reference, vehicle: str, orbit: str | None, mass_kg: float | None, t: float
) -> Capacity:
    """Can ``vehicle`` carry ``mass_kg`` to ``orbit``, reading the record before ``t``?

    ``orbit`` None checks the mass against LEO (the least demanding class). Without a mass
    the capacity is ``not_checked``; the vehicle's record of the class is still given.
    """
    spec = reference.specs.get(vehicle)
    # GCAT's ratings, unless T-Minus' reference knows them wrong for this vehicle.
    ref = reference.vehicles.get(vehicle) if spec is None or spec.gcat_ratings else None
    orbits = reference.orbits
    checked = orbit or S.ORBIT_LEO
    flying = orbits.variant_at(vehicle, t)
    ratings = {
        name: found
        for name in (S.ORBIT_LEO, S.ORBIT_GTO)
        if (found := rating(ref, name, flying)) is not None
    }
    reached = orbits.vehicle_reached(vehicle, REACHED_BY[checked], t)
    evidence = _evidence(reference, vehicle, spec, ratings)
    if orbits.known:
        evidence.append(_reach_sentence(vehicle, checked, reached))
    base = Capacity(
        vehicle=vehicle,
        orbit=orbit,
        mass_kg=mass_kg,
        status="not_checked",
        basis="none",
        rule=capacity_rule(orbit, mass_kg) if mass_kg is not None else RULES[checked],
        evidence=evidence,
        ratings=ratings,
        reached=reached,
    )
    if mass_kg is None:
        return base
    shown = orbits.heaviest(vehicle, REACHED_BY[checked], t)
    if shown is not None:
        evidence.append(
            f"The record shows {vehicle} carrying {kg(shown.mass_kg)} to {checked} "
            f"(launch {shown.launch_tag}, {iso_day(shown.day)}; SpaceX API masses)."
        )
    judge = _Judge(reference, vehicle, spec, ratings)
    covering = judge.covering(checked, mass_kg, shown)
    if covering is not None:
        return _with(base, "feasible", covering, demonstrated=shown)
    bound = judge.bounding(checked, mass_kg)
    if bound is not None:
        return _with(base, "infeasible", bound)
    return _with(base, "unknown", None, demonstrated=shown)


def _evidence(
    reference: Reference, vehicle: str, spec: VehicleSpec | None, ratings: dict[str, Rating]
) -> list[str]:
    """What is known of the vehicle's capacity: the reference's figures, then GCAT's, and
    where they disagree, which is used."""
    out: list[str] = []
    figures = [] if spec is None else list(spec.capacities)
    for figure in figures:
        out.append("T-Minus' reference: " + _figure_words(vehicle, figure, reference) + ".")
    for orbit, found in ratings.items():
        own = _largest(_rated(spec, orbit))
        sentence = found.words(vehicle)
        if own is not None and not (found.low <= own.kg <= found.high):
            sentence += f"; T-Minus' reference gives {kg(own.kg)} (its source above), which is used"
        out.append(sentence + ".")
    return out


@dataclass(frozen=True, slots=True)
class _Judge:
    """One vehicle's figures, judged against a class and a mass."""

    reference: Reference
    vehicle: str
    spec: VehicleSpec | None
    ratings: dict[str, Rating]

    def covering(self, checked: str, mass: float, shown: MassRecord | None) -> _Candidate | None:
        """The first basis (in the module docstring's order) with a figure covering ``mass``."""
        return _covering(self, checked, mass, shown)

    def bounding(self, checked: str, mass: float) -> _Candidate | None:
        """A figure that bounds the class below ``mass`` (infeasible), or None."""
        return _bounding(self, checked, mass)


def _covering(
    judge: _Judge, checked: str, mass: float, shown: MassRecord | None
) -> _Candidate | None:
    reference, vehicle, spec, ratings = judge.reference, judge.vehicle, judge.spec, judge.ratings
    figures = [] if spec is None else spec.figures(checked)
    rated = [f for f in figures if f.rated and f.kg >= mass]
    if rated:
        # The provider's figure for the class is its capacity: the usual configuration when
        # it covers the mass, else the one that does.
        best = min(rated, key=lambda f: (_config_order(f), -f.kg))
        return _Candidate(
            best.kg, "reference", _figure_words(vehicle, best, reference), best.config, best.source
        )
    # Otherwise every lower bound that covers the mass; the largest decides (ties: the more
    # direct evidence), so the margin is the most the evidence supports.
    bounds: list[tuple[float, int, _Candidate]] = []
    for figure in figures:
        if not figure.rated and figure.kg >= mass:
            words = _figure_words(vehicle, figure, reference)
            found = _Candidate(figure.kg, "reference", words, figure.config, figure.source)
            bounds.append((figure.kg, 4, found))
    deciding = DECIDING.get(checked)
    gcat = ratings.get(deciding) if deciding else None
    if gcat is not None and not _rated(spec, deciding or "") and gcat.low >= mass:
        why = gcat.words(vehicle)
        if deciding == checked:
            bounds.append((gcat.low, 3, _Candidate(gcat.low, "rated", why)))
        else:
            rides = f"{why}, and a GEO satellite rides a GTO"
            bounds.append((gcat.low, 1, _Candidate(gcat.low, "rule", rides)))
    if shown is not None and shown.mass_kg >= mass:
        words = (
            f"the record shows {vehicle} carrying {kg(shown.mass_kg)} there (launch "
            f"{shown.launch_tag}, {iso_day(shown.day)})"
        )
        bounds.append((shown.mass_kg, 2, _Candidate(shown.mass_kg, "demonstrated", words)))
    # A figure to a more demanding class covers this one; a GEO satellite rides a GTO.
    harder_classes = [h for h, easier in COVERS.items() if checked in easier and h != checked]
    if checked == S.ORBIT_GEO:
        harder_classes.append(S.ORBIT_GTO)
    for harder in harder_classes:
        for figure in [] if spec is None else spec.figures(harder):
            if figure.kg < mass:
                continue
            why = (
                "a GEO satellite rides a GTO and raises itself"
                if checked == S.ORBIT_GEO and harder == S.ORBIT_GTO
                else f"{describe(checked)} needs less energy than {describe(harder)}"
            )
            words = f"{_figure_words(vehicle, figure, reference)}, and {why}"
            found = _Candidate(figure.kg, "rule", words, figure.config, figure.source)
            bounds.append((figure.kg, 1, found))
    gto = ratings.get(S.ORBIT_GTO)
    if (
        checked in COVERS[S.ORBIT_GTO]
        and gto is not None
        and not _rated(spec, S.ORBIT_GTO)
        and gto.low >= mass
    ):
        words = f"{gto.words(vehicle)}, and {describe(checked)} needs less energy than GTO"
        bounds.append((gto.low, 0, _Candidate(gto.low, "rule", words)))
    if not bounds:
        return None
    return max(bounds, key=lambda item: (item[0], item[1]))[2]


def _bounding(judge: _Judge, checked: str, mass: float) -> _Candidate | None:
    vehicle, spec, ratings = judge.vehicle, judge.spec, judge.ratings
    own = _largest(_rated(spec, checked))
    if own is not None and own.kg < mass:
        return _Candidate(
            own.kg,
            "reference",
            f"T-Minus' reference rates {vehicle} at {kg(own.kg)} to {checked} at most",
            own.config,
            own.source,
        )
    deciding = DECIDING.get(checked)
    gcat = ratings.get(deciding) if deciding else None
    if own is None and gcat is not None and not _rated(spec, deciding or "") and gcat.high < mass:
        basis: Basis = "rated" if deciding == checked else "rule"
        tail = "" if deciding == checked else ", and a GEO satellite rides a GTO"
        return _Candidate(gcat.high, basis, gcat.words(vehicle) + tail)
    for upper, harder in BOUNDS.items():
        if checked not in harder or upper == checked:
            continue
        rated = _largest(_rated(spec, upper))
        limit = rated.kg if rated is not None else None
        words = f"T-Minus' reference rates {vehicle} at {kg(limit or 0)} to {upper}"
        if limit is None and upper in DECIDING and (gcat_upper := ratings.get(upper)):
            limit, words = gcat_upper.high, gcat_upper.words(vehicle)
        if limit is not None and limit < mass:
            return _Candidate(limit, "bound", f"{words}, and {describe(checked)} needs more energy")
    if checked in LEO_FRACTION:
        via = S.ORBIT_GTO if checked == S.ORBIT_GEO else checked
        leo = _largest(_rated(spec, S.ORBIT_LEO))
        leo_kg = leo.kg if leo is not None else None
        if leo_kg is None and (gcat_leo := ratings.get(S.ORBIT_LEO)) is not None:
            leo_kg = gcat_leo.high
        stage = spec.upper_stage if spec is not None else None
        velocity = EXHAUST_VELOCITY_BY_STAGE.get(stage or "", EXHAUST_VELOCITY_KM_S)
        fraction = math.exp(-EXTRA_DV_KM_S[via] / velocity)
        if leo_kg is not None and leo_kg * fraction < mass:
            limit = leo_kg * fraction
            engine = f"a {stage} upper stage, " if stage else ""
            return _Candidate(
                limit,
                "bound",
                f"its LEO figure of {kg(leo_kg)} allows at most {kg(limit)} to "
                f"{describe(checked)} by the rocket equation (at least "
                f"{EXTRA_DV_KM_S[via]} km/s beyond LEO; {engine}exhaust velocity under "
                f"{velocity} km/s)",
                source=None if stage is None or spec is None else spec.upper_stage_source,
            )
    return None


def _with(
    base: Capacity,
    status: Status,
    found: _Candidate | None,
    *,
    demonstrated: MassRecord | None = None,
) -> Capacity:
    margin = None
    if status == "feasible" and found is not None and base.mass_kg is not None:
        margin = found.figure - base.mass_kg
    return Capacity(
        vehicle=base.vehicle,
        orbit=base.orbit,
        mass_kg=base.mass_kg,
        status=status,
        basis="none" if found is None else found.basis,
        figure_kg=None if found is None else found.figure,
        margin_kg=margin,
        rule=base.rule,
        why=None if found is None else found.why,
        configuration=None if found is None else found.configuration,
        source=None if found is None else found.source,
        evidence=base.evidence,
        demonstrated=demonstrated,
        ratings=base.ratings,
        reached=base.reached,
    )


def _reach_sentence(subject: str, orbit: str, reached: Reached) -> str:
    where = reached_words(orbit)
    if reached.launches == 0:
        return f"{subject} has no launch to {where} on record."
    return (
        f"{subject} has launched to {where} {reached.launches} "
        f"time{'s' if reached.launches != 1 else ''}, last on {iso_day(reached.last_day)}."
    )


def site_reach(reference: Reference, site: str, orbit: str, t: float) -> Reached:
    """The launches from ``site`` to ``orbit`` (or a class that shows it reached) before ``t``."""
    return reference.orbits.site_reached(site, REACHED_BY[orbit], t)


def site_sentence(site: str, orbit: str, reached: Reached) -> str:
    """'CC has launched to GTO or GEO 412 times, last on 2025-12-16.'"""
    return _reach_sentence(site, orbit, reached)
