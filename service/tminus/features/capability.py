"""What a vehicle can lift and where it can go: capacity and destinations from the record.

A (vehicle, site, orbit class, mass) is feasible when the vehicle can carry the mass to the
class and the site has launched to the class. The vehicle can carry it when:

1. **demonstrated**: the record shows the vehicle carrying at least that mass to the class
   (the SpaceX API's payload masses, Falcon launches to 2022); or
2. **rated**: GCAT's rated capacity for the class covers it: ``LEO_Capacity`` for LEO,
   ``GTO_Capacity`` for GTO and for GEO (a GEO satellite rides a transfer orbit and raises
   itself; direct insertion carries less, and GCAT gives no figure for it); or
3. **rule**, for classes GCAT gives no figure for: SSO and MEO need less energy than GTO (an
   SSO is a low orbit; a MEO satellite rides a transfer orbit that climbs less than GTO's), so
   a mass within the GTO rating is feasible there (and to LEO, when GCAT gives no LEO figure).

Figures also exclude: the LEO rating bounds every class (nothing reaches further with more),
and the GTO rating bounds the Moon and escape, which need more energy than GTO. A mass over a
bound is infeasible. Anything else is **unknown**: no figure decides it (HEO, the Moon and
escape have no rating; Atlas V 401 has no LEO figure). Unknown is never taken for feasible.

A vehicle name with several rated variants (Falcon 9: 13,150 or 22,800 kg to LEO) is read as
the variant GCAT's launch list names for its latest flight before the moment asked; when the
record does not name it, the range decides what it can (a mass within the lowest figure is
covered, one above the highest is not) and leaves the rest unknown.

Every reading is as of a moment ``t``: only launches strictly before ``t`` count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from tminus.data import schema as S
from tminus.features.orbits import REACHED_BY, reached_words
from tminus.features.reference import MassRecord, Reached, Reference, VehicleRef
from tminus.features.timebase import from_day

Status = Literal["feasible", "unknown", "infeasible", "not_checked"]
Basis = Literal["demonstrated", "rated", "rule", "bound", "none"]

# The class whose rating decides each class (a rule where it is not the class itself).
DECIDING: Final[dict[str, str]] = {
    S.ORBIT_LEO: S.ORBIT_LEO,
    S.ORBIT_GTO: S.ORBIT_GTO,
    S.ORBIT_GEO: S.ORBIT_GTO,
}
# Classes a GTO rating covers from below (they need less energy than GTO).
BELOW_GTO: Final = (S.ORBIT_LEO, S.ORBIT_SSO, S.ORBIT_MEO)
# Classes the GTO rating bounds from above (they need more energy than GTO).
ABOVE_GTO: Final = (S.ORBIT_LUNAR, S.ORBIT_ESCAPE)
RULES: Final[dict[str, str]] = {
    S.ORBIT_LEO: (
        "LEO: GCAT's LEO rating; without one, a mass within the GTO rating is feasible (LEO "
        "needs less energy than GTO)."
    ),
    S.ORBIT_GTO: "GTO: GCAT's GTO rating; the LEO rating bounds it from above.",
    S.ORBIT_GEO: (
        "GEO: GCAT gives no GEO figure; a GEO satellite rides a transfer orbit and raises "
        "itself, so GCAT's GTO rating is used (direct insertion carries less)."
    ),
    S.ORBIT_SSO: (
        "SSO: GCAT gives no SSO figure; an SSO needs less energy than GTO, so a mass within the "
        "GTO rating is feasible, and one above the LEO rating is not; in between it is unknown "
        "unless the record shows that mass carried there."
    ),
    S.ORBIT_MEO: (
        "MEO: GCAT gives no MEO figure; a MEO transfer orbit climbs less than GTO, so a mass "
        "within the GTO rating is feasible (the satellite circularises itself), and one above "
        "the LEO rating is not; in between it is unknown unless the record shows it."
    ),
    S.ORBIT_HEO: (
        "HEO: GCAT gives no HEO figure; a mass above the LEO rating is infeasible, any other "
        "is unknown unless the record shows that mass carried there."
    ),
    S.ORBIT_LUNAR: (
        "Moon: GCAT gives no lunar figure; the Moon needs more energy than GTO, so a mass above "
        "the GTO (or LEO) rating is infeasible, any other is unknown unless the record shows it."
    ),
    S.ORBIT_ESCAPE: (
        "Escape: GCAT gives no escape figure; escape needs more energy than GTO, so a mass "
        "above the GTO (or LEO) rating is infeasible, any other is unknown unless the record "
        "shows it."
    ),
}
# The rule in a few words, for sentences about one option.
RULE_SHORT: Final[dict[str, str]] = {
    S.ORBIT_LEO: "LEO needs less energy than GTO, so GCAT's GTO rating covers it",
    S.ORBIT_GEO: "a GEO satellite rides a transfer orbit, so GCAT's GTO rating applies",
    S.ORBIT_SSO: "an SSO needs less energy than GTO, so GCAT's GTO rating covers it",
    S.ORBIT_MEO: "a MEO transfer orbit climbs less than GTO, so GCAT's GTO rating covers it",
}
NO_ORBIT_RULE: Final = (
    "No orbit class was given: the mass is checked against the LEO rating, the least "
    "demanding class, so feasible here means feasible to LEO."
)


def capacity_rule(orbit: str | None, mass_kg: float | None) -> str | None:
    """How capacity is judged for ``orbit`` (None when neither an orbit nor a mass is given)."""
    if orbit is not None:
        return RULES[orbit]
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
        """ "GCAT rates Falcon 9 (variant FT5, flying now) at 4,850 kg to GTO"."""
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

    ``figure_kg`` is the figure the verdict rests on (the rating, its low end, or the mass
    demonstrated); ``margin_kg`` is ``figure_kg - mass`` when the verdict is feasible.
    """

    vehicle: str
    orbit: str | None
    mass_kg: float | None
    status: Status
    basis: Basis
    figure_kg: float | None = None
    margin_kg: float | None = None
    rule: str | None = None
    evidence: list[str] = field(default_factory=list)
    demonstrated: MassRecord | None = None
    ratings: dict[str, Rating] = field(default_factory=dict)
    reached: Reached = field(default_factory=Reached)


def kg(value: float) -> str:
    """'4,850 kg'."""
    return f"{value:,.0f} kg"


def day_text(day: float | None) -> str:
    """'2025-12-17' ('-' for None)."""
    return "-" if day is None else from_day(day).date().isoformat()


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


def assess_capacity(
    reference: Reference, vehicle: str, orbit: str | None, mass_kg: float | None, t: float
) -> Capacity:
    """Can ``vehicle`` carry ``mass_kg`` to ``orbit``, reading the record before ``t``?

    ``orbit`` None checks the mass against LEO (the least demanding class). Without a mass
    the capacity is ``not_checked``; the vehicle's record of the class is still given.
    """
    ref = reference.vehicles.get(vehicle)
    orbits = reference.orbits
    checked = orbit or S.ORBIT_LEO
    flying = orbits.variant_at(vehicle, t)
    ratings = {
        name: found
        for name in (S.ORBIT_LEO, S.ORBIT_GTO)
        if (found := rating(ref, name, flying)) is not None
    }
    reached = orbits.vehicle_reached(vehicle, REACHED_BY[checked], t)
    evidence = [r.words(vehicle) + "." for r in ratings.values()]
    if orbits.known:
        evidence.append(_reach_sentence(vehicle, checked, reached))
    rule = RULES[checked] if orbit is not None else NO_ORBIT_RULE
    base = Capacity(
        vehicle=vehicle,
        orbit=orbit,
        mass_kg=mass_kg,
        status="not_checked",
        basis="none",
        rule=rule,
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
            f"(launch {shown.launch_tag}, {day_text(shown.day)}; SpaceX API masses)."
        )
    # Every figure that covers the mass; the verdict rests on the largest (ties: a rating
    # before a demonstration before a rule), so the margin is the most the record supports.
    covering: list[tuple[float, int, Basis]] = []
    if shown is not None and shown.mass_kg >= mass_kg:
        covering.append((shown.mass_kg, 1, "demonstrated"))
    deciding = DECIDING.get(checked)
    own = ratings.get(deciding) if deciding else None
    gto = ratings.get(S.ORBIT_GTO)
    if own is not None and own.low >= mass_kg:
        covering.append((own.low, 2 if deciding == checked else 0, _basis(deciding, checked)))
    elif checked in BELOW_GTO and gto is not None and gto.low >= mass_kg:
        covering.append((gto.low, 0, "rule"))
    if covering:
        figure, _, basis = max(covering)
        return _with(base, "feasible", basis, figure, demonstrated=shown)
    if own is not None and own.high < mass_kg:
        return _with(base, "infeasible", _basis(deciding, checked), own.high)
    bounds = [ratings.get(S.ORBIT_LEO)]
    if checked in ABOVE_GTO:
        bounds.append(gto)
    for bound in bounds:
        if bound is not None and bound.high < mass_kg:
            return _with(base, "infeasible", "bound", bound.high)
    return _with(base, "unknown", "none", None, demonstrated=shown)


def _basis(deciding: str | None, checked: str) -> Basis:
    """A class's own rating is 'rated'; another class's (GEO's GTO rating) is a 'rule'."""
    return "rated" if deciding == checked else "rule"


def _with(
    base: Capacity,
    status: Status,
    basis: Basis,
    figure: float | None,
    *,
    demonstrated: MassRecord | None = None,
) -> Capacity:
    margin = None
    if status == "feasible" and figure is not None and base.mass_kg is not None:
        margin = figure - base.mass_kg
    return Capacity(
        vehicle=base.vehicle,
        orbit=base.orbit,
        mass_kg=base.mass_kg,
        status=status,
        basis=basis,
        figure_kg=figure,
        margin_kg=margin,
        rule=base.rule,
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
        f"time{'s' if reached.launches != 1 else ''}, last on {day_text(reached.last_day)}."
    )


def site_reach(reference: Reference, site: str, orbit: str, t: float) -> Reached:
    """The launches from ``site`` to ``orbit`` (or a class that shows it reached) before ``t``."""
    return reference.orbits.site_reached(site, REACHED_BY[orbit], t)


def site_sentence(site: str, orbit: str, reached: Reached) -> str:
    """'CC has launched to GTO or GEO 412 times, last on 2025-12-16.'"""
    return _reach_sentence(site, orbit, reached)
