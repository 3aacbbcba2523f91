"""Column names of the processed launch tables: the one place they are spelled.

Every processed table lives in ``datasets/processed/<table>.parquet``. Code elsewhere refers to
columns through these constants, never through string literals.
"""

from __future__ import annotations

from typing import Final

# ---- table names -------------------------------------------------------------------------
LAUNCHES: Final = "launches"
BOOSTER_LANDINGS: Final = "booster_landings"
WEATHER_EVENTS: Final = "weather_events"
NET_HISTORY: Final = "net_history"
VEHICLE_VARIANTS: Final = "vehicle_variants"
PADS_REFERENCE: Final = "pads_reference"
LAUNCH_ORBITS: Final = "launch_orbits"
VEHICLE_FACTS: Final = "vehicle_facts"
VEHICLE_CAPACITY: Final = "vehicle_capacity"
REFERENCE_SOURCES: Final = "reference_sources"
NAME_ALIASES: Final = "name_aliases"
TABLES: Final = (
    LAUNCHES,
    BOOSTER_LANDINGS,
    WEATHER_EVENTS,
    NET_HISTORY,
    VEHICLE_VARIANTS,
    PADS_REFERENCE,
    LAUNCH_ORBITS,
    VEHICLE_FACTS,
    VEHICLE_CAPACITY,
    REFERENCE_SOURCES,
    NAME_ALIASES,
)
# vehicle_variants, pads_reference and the four tables of T-Minus' own vehicle reference
# (datasets/reference/vehicles.toml) describe things, not events: they have no date column.

# ---- launches: one row per GCAT launch attempt (distinct Launch_Tag) -----------------------
# From GCAT's full launch list (launch.tsv) when it was downloaded, else from the launch log
# (launchlog.tsv, one row per payload) merged with the mirror's slice of launch.tsv.
LAUNCH_TAG: Final = "launch_tag"  # str, GCAT Launch_Tag, unique
LAUNCH_TIME: Final = "launch_time"  # datetime64[ns, UTC]; missing time of day -> 00:00
TIME_KNOWN: Final = "time_known"  # bool, False when GCAT gave no time of day
DATE_UNCERTAIN: Final = "date_uncertain"  # bool, GCAT marked the date with '?'
VEHICLE: Final = "vehicle"  # str, GCAT LV_Type, e.g. "Falcon 9"
VEHICLE_FAMILY: Final = "vehicle_family"  # str, lv.tsv LV_Family; the vehicle name if unknown
SITE: Final = "site"  # str, GCAT Launch_Site, e.g. "CC"; a trailing "?" kept ("TYSC?")
PAD: Final = "pad"  # str | null, GCAT Launch_Pad as given, e.g. "LC40", "LC43?"
SITE_NAME: Final = "site_name"  # str | null, sites.tsv ShortName
AGENCY: Final = "agency"  # str, GCAT Agency (may hold several codes joined by '/')
STATE: Final = "state"  # str, GCAT LVState: the launching country/state code; launch.tsv has
# no LVState: there it is orgs.tsv StateCode of the first Agency code (the launch log agrees on
# 99.9% of its launches), else sites.tsv StateCode of the launch site
CATEGORY: Final = "category"  # "orbital" | "deep_space" | "other_world"
OUTCOME_CODE: Final = "outcome_code"  # str, GCAT Launch_Code (launch.tsv: LaunchCode), "OF40"
FAILED: Final = "failed"  # bool, second letter of that code is 'F'
FLIGHT_ID: Final = "flight_id"  # str | null, GCAT Flight_ID
BOOSTER_SERIAL: Final = "booster_serial"  # str | null, e.g. "B1088" (Falcon only)
BOOSTER_FLIGHT: Final = "booster_flight"  # Int64 | null, that booster's flight count, e.g. 5
PAYLOAD_COUNT: Final = "payload_count"  # Int64 | null, payload rows sharing the Launch_Tag in
# launchlog.tsv; null for launches only launch.tsv holds (one row per launch, no payload count)
DEST: Final = "dest"  # str | null, GCAT Dest (orbit class or body); null from launchlog.tsv
FAIL_CODE: Final = "fail_code"  # str | null, GCAT FailCode (failing stage or mode, e.g. "S2G")

CATEGORY_ORBITAL: Final = "orbital"
CATEGORY_DEEP_SPACE: Final = "deep_space"
CATEGORY_OTHER_WORLD: Final = "other_world"

# ---- booster_landings: one row per SpaceX core per launch (SpaceX API v4) -----------------
BL_LAUNCH_ID: Final = "launch_id"  # str, API launch id
BL_LAUNCH_TIME: Final = "launch_time"  # datetime64[ns, UTC]
BL_ROCKET: Final = "rocket"  # "Falcon 1" | "Falcon 9" | "Falcon Heavy" | "Starship"
BL_CORE_SERIAL: Final = "core_serial"  # str | null, e.g. "B1049" (Falcon 1: "Merlin1A")
BL_BLOCK: Final = "block"  # Int64 | null, 1..5
BL_CORE_FLIGHT: Final = "core_flight"  # Int64 | null, flight number of this core (1 = first)
BL_REUSED: Final = "reused"  # boolean | null
BL_LANDING_ATTEMPT: Final = "landing_attempt"  # boolean | null
BL_LANDING_TYPE: Final = "landing_type"  # "ASDS" | "RTLS" | "Ocean" | null
BL_LANDING_SUCCESS: Final = "landing_success"  # boolean | null
BL_PAYLOAD_MASS_KG: Final = "payload_mass_kg"  # float | null, sum over the launch's payloads
BL_ORBIT: Final = "orbit"  # str | null, first payload's orbit (LEO, ISS, GTO, SSO, PO, ...)
BL_LAUNCH_SUCCESS: Final = "launch_success"  # boolean | null
BL_UPCOMING: Final = "upcoming"  # bool

# ---- weather_events: one row per Cape launch or weather-scrub event (BRAVO set) -----------
WX_EVENT_DATE: Final = "event_date"  # datetime64[ns, UTC] (midnight of the event's date)
WX_SCRUBBED: Final = "scrubbed"  # bool, file name ends in '-scrub'
WX_SOURCE_FILE: Final = "source_file"  # str, feature file name
WX_N_ROWS: Final = "n_rows"  # int, 5-minute rows in the file
# summary features (float, NaN where the sensors were missing):
WX_MAX_AVG_WIND: Final = "max_avg_wind"  # max over towers and time of "Avg Wind Speed *" (kt)
WX_MAX_PEAK_WIND: Final = "max_peak_wind"  # max of "Peak Wind Speed *" (kt)
WX_MEAN_AVG_WIND: Final = "mean_avg_wind"  # mean of "Avg Wind Speed *" (kt)
WX_MAX_ABS_FIELD_MILL: Final = "max_abs_field_mill"  # max |Field Mill Mean| (V/m)
WX_LIGHTNING_COUNT: Final = "lightning_count"  # sum of "Count of Lightning Strikes"
WX_RAIN_INCHES: Final = "rain_inches"  # sum of "Rain Gauge Inches"
WX_PRECIP_WATER: Final = "precipitable_water"  # mean "Balloon Precipitable Water"
WX_BALLOON_WIND: Final = "balloon_wind"  # max "Balloon Wind Speed"
WX_MAX_PROFILER_WIND: Final = "max_profiler_wind"  # max over 50/915 MHz profiler max-wind columns
WX_MAX_PROFILER_SHEAR: Final = "max_profiler_shear"  # max over profiler shear columns
WX_FEATURES: Final = (
    WX_MAX_AVG_WIND,
    WX_MAX_PEAK_WIND,
    WX_MEAN_AVG_WIND,
    WX_MAX_ABS_FIELD_MILL,
    WX_LIGHTNING_COUNT,
    WX_RAIN_INCHES,
    WX_PRECIP_WATER,
    WX_BALLOON_WIND,
    WX_MAX_PROFILER_WIND,
    WX_MAX_PROFILER_SHEAR,
)

# ---- net_history: one row per (LL2 launch, snapshot) --------------------------------------
NH_LAUNCH_ID: Final = "launch_id"  # str, LL2 UUID
NH_NAME: Final = "name"  # str
NH_SNAPSHOT_TIME: Final = "snapshot_time"  # datetime64[ns, UTC], from the snapshot file name
NH_FEED: Final = "feed"  # "launches" | "previous"
NH_NET: Final = "net"  # datetime64[ns, UTC] | null
NH_STATUS: Final = "status"  # str | null, statusAbbrev (Go, TBD, Success, ...)
NH_WEATHER_PROBABILITY: Final = "weather_probability"  # float | null, percent 0..100
NH_ROCKET: Final = "rocket"  # str | null
NH_PROVIDER: Final = "provider"  # str | null
NH_PAD: Final = "pad_name"  # str | null
NH_SNAPSHOT_FILE: Final = "snapshot_file"  # str, snapshot file name inside the bundle

# ---- vehicle_variants: one row per lv.tsv row (every vehicle class, variants apart) -------
VV_VEHICLE: Final = "vehicle"  # str, LV_Name (what launches.vehicle holds)
VV_VARIANT: Final = "variant"  # str | null, LV_Variant
VV_FAMILY: Final = "family"  # str, LV_Family; the vehicle name when lv.tsv gives none
VV_MANUFACTURER: Final = "manufacturer"  # str | null, LV_Manufacturer
VV_LEO_CAPACITY_KG: Final = "leo_capacity_kg"  # float | null; GCAT's '-' and 0 (no figure): null
VV_GTO_CAPACITY_KG: Final = "gto_capacity_kg"  # float | null; as above
VV_CLASS: Final = "vehicle_class"  # str | null, lv.tsv Class: O orbital; others suborbital, ...
VV_ALIAS: Final = "alias"  # str | null, LV_Alias: another name GCAT gives the vehicle ("Proton-K")
VEHICLE_CLASS_ORBITAL: Final = "O"

# ---- pads_reference: one row per (launch site, pad) from sites.tsv joined to lp.tsv ------
PR_SITE: Final = "site"  # str, sites.tsv Site: the code launches.site holds
PR_PAD: Final = "pad"  # str, lp.tsv Code (the code launches.pad holds)
PR_PAD_NAME: Final = "pad_name"  # str | null, lp.tsv Name
PR_SITE_NAME: Final = "site_name"  # str | null, sites.tsv ShortName
PR_SITE_LONG_NAME: Final = "site_long_name"  # str | null, sites.tsv Name
PR_PAD_START: Final = "pad_start"  # str | null, lp.tsv TStart as given ("1965 Apr 12")
PR_PAD_STOP: Final = "pad_stop"  # str | null, lp.tsv TStop as given; "*" = still open

# ---- T-Minus' vehicle reference (datasets/reference/vehicles.toml, committed) -------------
# Status and rated capacity of the vehicles a planner meets, each fact with a public source
# (reference_sources) and the date it was checked; it overrides GCAT where they disagree.
# vehicle_facts: one row per vehicle (GCAT's LV_Name, as launches.vehicle holds it).
VF_VEHICLE: Final = "vehicle"  # str, unique
VF_PROVIDER: Final = "provider"  # str, who sells or flies it ("SpaceX")
VF_STATUS: Final = "status"  # str, one of VEHICLE_STATUSES
VF_SINCE: Final = "status_since"  # str | null, "2023-07-05", "2023-07" or "2023": retired or
# cancelled since (its last flight or announced end); for other statuses when it began
VF_STATUS_SOURCE: Final = "status_source"  # str, a reference_sources source_id
VF_STATUS_NOTE: Final = "status_note"  # str | null, one sentence
VF_UPPER_STAGE: Final = "upper_stage"  # str | null, one of UPPER_STAGES: the propellant of the
# stage that flies the payload beyond LEO (it bounds what the LEO figure allows beyond it)
VF_UPPER_STAGE_SOURCE: Final = "upper_stage_source"  # str | null, a reference_sources source_id
UPPER_STAGES: Final = ("hydrolox", "methalox", "kerolox", "hypergolic", "solid")
VF_GCAT_RATINGS: Final = "gcat_ratings"  # bool: whether GCAT's lv.tsv ratings may be used for
# it (False where they are known to be wrong, e.g. one figure given to every configuration)
STATUS_ACTIVE: Final = "active"
STATUS_RETIRED: Final = "retired"
STATUS_IN_DEVELOPMENT: Final = "in_development"
STATUS_CREW_ONLY: Final = "crew_only"
STATUS_DEDICATED: Final = "dedicated"
STATUS_CLOSED: Final = "closed_to_new_customers"
STATUS_CANCELLED: Final = "cancelled"
VEHICLE_STATUSES: Final = (
    STATUS_ACTIVE,
    STATUS_RETIRED,
    STATUS_IN_DEVELOPMENT,
    STATUS_CREW_ONLY,
    STATUS_DEDICATED,
    STATUS_CLOSED,
    STATUS_CANCELLED,
)
# vehicle_capacity: one row per published figure (a vehicle, an orbit class, a configuration).
VC_VEHICLE: Final = "vehicle"  # str, a vehicle_facts vehicle
VC_ORBIT_CLASS: Final = "orbit_class"  # str, one of ORBIT_CLASSES
VC_CAPACITY_KG: Final = "capacity_kg"  # float > 0
VC_KIND: Final = "kind"  # "rated" (the provider's performance figure) | "demonstrated" (a flown
# payload's published mass: a lower bound of the capacity)
VC_CONFIG: Final = "config"  # str | null, "expendable", "recovered", "with Fregat", ...
VC_CONDITION: Final = "condition"  # str | null, the orbit as the source states it
VC_SOURCE: Final = "source"  # str, a reference_sources source_id
VC_NOTE: Final = "note"  # str | null
KIND_RATED: Final = "rated"
KIND_DEMONSTRATED: Final = "demonstrated"
CAPACITY_KINDS: Final = (KIND_RATED, KIND_DEMONSTRATED)
# reference_sources: one row per public document the facts come from.
RS_SOURCE_ID: Final = "source_id"  # str, unique
RS_TITLE: Final = "title"  # str
RS_PUBLISHER: Final = "publisher"  # str
RS_EDITION: Final = "edition"  # str, revision and year of a user's guide, or "web page (2024)"
RS_URL: Final = "url"  # str, the document
RS_READ_AT: Final = "read_at"  # str | null, the public copy it was read at, if not url itself
RS_CHECKED: Final = "checked"  # str, YYYY-MM-DD the figures were checked against it


def citation(publisher: str, title: str, edition: str) -> str:
    """How a reference source is cited: 'SpaceX, Falcon User's Guide (2025)', the publisher
    left out where the title already opens with it."""
    head = title if title.startswith(publisher) else f"{publisher}, {title}"
    return f"{head} ({edition})"


# name_aliases: names people write that GCAT spells otherwise (the one name rule reads them).
NA_WRITTEN: Final = "written"  # str, as written ("F9", "Long March", "Cape Canaveral")
NA_MEANS: Final = "means"  # str, what it means in GCAT's names
NA_KIND: Final = "kind"  # one of ALIAS_KINDS
ALIAS_VEHICLE: Final = "vehicle"  # a name of one vehicle, a series or a family ("F9")
ALIAS_SAME_VEHICLE: Final = "same_vehicle"  # another GCAT name of the same vehicle: its launches
# are recorded under the reference's name ("GSLV Mk III" -> "LVM3")
ALIAS_PREFIX: Final = "prefix"  # the start of vehicle names ("Long March 2D" -> "Chang Zheng 2D")
ALIAS_SITE: Final = "site"  # a site's English name -> GCAT's short name ("Baikonur" -> "Baykonur")
ALIAS_PAD_PREFIX: Final = "pad_prefix"  # the start of pad names ("SLC-40" -> "LC40")
ALIAS_KINDS: Final = (
    ALIAS_VEHICLE,
    ALIAS_SAME_VEHICLE,
    ALIAS_PREFIX,
    ALIAS_SITE,
    ALIAS_PAD_PREFIX,
)

# ---- launch_orbits: one row per (launch that did not fail, orbit class it reached) ---------
# Where launches went. Classes come from GCAT's payload catalogue (psatcat.tsv: each payload's
# perigee, apogee and inclination, joined to its launch through launchlog.tsv's payload rows),
# from GCAT's launch list (launch.tsv: the orbit word of its Category, "Sat SSO D", or a Dest
# naming one), and from the SpaceX API (each payload's orbit and mass, Falcon launches to 2022).
LO_LAUNCH_TAG: Final = "launch_tag"  # str, the launches table's launch_tag
LO_LAUNCH_TIME: Final = "launch_time"  # datetime64[ns, UTC], as in launches
LO_VEHICLE: Final = "vehicle"  # str, as in launches
LO_SITE: Final = "site"  # str, as in launches
LO_PAD: Final = "pad"  # str | null, as in launches
LO_ORBIT_CLASS: Final = "orbit_class"  # str, one of ORBIT_CLASSES
LO_PAYLOADS: Final = "payloads"  # Int64 | null, payloads psatcat.tsv puts in this class
LO_PAYLOAD_MASS_KG: Final = "payload_mass_kg"  # float | null, SpaceX API masses to this class
LO_VARIANT: Final = "variant"  # str | null, launch.tsv Variant of the vehicle that flew ("FT5")
LO_SOURCE: Final = "source"  # str, where the class came from: psatcat, launch_list, spacex
# joined by "+" when several agree ("launch_list+psatcat")

# Orbit classes, from the least to the most demanding family of destinations.
ORBIT_LEO: Final = "LEO"  # low Earth orbit, mean height below 2,000 km (SSO apart)
ORBIT_SSO: Final = "SSO"  # sun-synchronous LEO: inclination 95-104 degrees
ORBIT_MEO: Final = "MEO"  # medium Earth orbit: above LEO, period under 23 h, eccentricity < 0.5
ORBIT_GTO: Final = "GTO"  # geostationary transfer: perigee in LEO, apogee near GEO
ORBIT_GEO: Final = "GEO"  # geosynchronous: period 23-25 h
ORBIT_HEO: Final = "HEO"  # highly elliptical or high Earth orbit (Molniya, TESS), not GTO
ORBIT_LUNAR: Final = "LUNAR"  # to the Moon: translunar orbit, lunar orbit or landing
ORBIT_ESCAPE: Final = "ESCAPE"  # beyond the Moon: Sun-Earth L1/L2, heliocentric, planetary
ORBIT_CLASSES: Final = (
    ORBIT_LEO,
    ORBIT_SSO,
    ORBIT_MEO,
    ORBIT_GTO,
    ORBIT_GEO,
    ORBIT_HEO,
    ORBIT_LUNAR,
    ORBIT_ESCAPE,
)
# A payload a vehicle carries to the key class it can carry to each class listed: they need
# less energy (an SSO is a low orbit; a MEO transfer climbs less than GTO; the Moon and escape
# need more than GTO, escape more than the Moon; a GEO satellite is taken as riding a GTO).
COVERS: Final[dict[str, tuple[str, ...]]] = {
    ORBIT_GTO: (ORBIT_LEO, ORBIT_SSO, ORBIT_MEO),
    ORBIT_GEO: (ORBIT_GTO, ORBIT_LEO, ORBIT_SSO, ORBIT_MEO),
    ORBIT_LUNAR: (ORBIT_GTO, ORBIT_LEO, ORBIT_SSO, ORBIT_MEO),
    ORBIT_ESCAPE: (ORBIT_LUNAR, ORBIT_GTO, ORBIT_LEO, ORBIT_SSO, ORBIT_MEO),
    ORBIT_SSO: (ORBIT_LEO,),
    ORBIT_MEO: (ORBIT_LEO,),
}
SOURCE_PSATCAT: Final = "psatcat"
SOURCE_LAUNCH_LIST: Final = "launch_list"
SOURCE_SPACEX: Final = "spacex"

# ---- column order of each table (the order the parquet files hold) ------------------------
