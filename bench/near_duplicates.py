"""Measure organization-name duplicate detection on the project's test data.

Run from the repository root::

    python bench/near_duplicates.py

Prints (a) false flags among all pairs of tests/data/org_names.txt (all distinct organizations),
(b) recall on the ``same`` pairs and false flags on the ``distinct`` pairs of
tests/data/org_near_duplicates.tsv, (c) time per lookup against an index of all names and against
2,000 names, and (d) the number of exact-key collisions within org_names.txt (must be 0).
Standard library and rapidfuzz only.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.orgnames import OrgNameIndex, find_likely_duplicates, org_key  # noqa: E402

NAMES_FILE = ROOT / "tests" / "data" / "org_names.txt"
PAIRS_FILE = ROOT / "tests" / "data" / "org_near_duplicates.tsv"

# Chapter-style names used only to grow the index to 2,000 entries for timing (and as an extra
# false-flag check, since they are all distinct chapters).
NETWORKS = (
    "ACLU of {}",
    "Indivisible {}",
    "League of Women Voters of {}",
    "Sunrise {}",
    "CAIR {}",
    "Catholic Charities of {}",
    "Jewish Family Service of {}",
    "Church World Service {}",
    "Make the Road {}",
    "{} Jobs with Justice",
    "Faith in {}",
    "Planned Parenthood of {}",
    "{} Immigrant Rights Coalition",
    "{} Interfaith Alliance",
)
PLACES_TEXT = """
Alabama | Alaska | Arizona | Arkansas | California | Colorado | Connecticut | Delaware | Florida
Georgia | Hawaii | Idaho | Illinois | Indiana | Iowa | Kansas | Kentucky | Louisiana | Maine | Maryland
Massachusetts | Michigan | Minnesota | Mississippi | Missouri | Montana | Nebraska | Nevada | Ohio
Oklahoma | Oregon | Pennsylvania | Tennessee | Texas | Utah | Vermont | Virginia | Washington
Wisconsin | Wyoming | New York | New Jersey | New Mexico | New Hampshire | North Carolina
South Carolina | North Dakota | South Dakota | West Virginia | Rhode Island
Chicago | Houston | Phoenix | Philadelphia | Dallas | Austin | Jacksonville | Columbus | Charlotte
Indianapolis | Seattle | Denver | Boston | Nashville | Detroit | Portland | Memphis | Louisville
Baltimore | Milwaukee | Albuquerque | Tucson | Fresno | Sacramento | Atlanta | Omaha | Raleigh | Miami
Oakland | Minneapolis | Tulsa | Tampa | Cleveland | Pittsburgh | Cincinnati | Newark | Buffalo | Durham
Greensboro | Lancaster | Harrisburg | Richmond | Providence | Hartford | Boise | Anchorage | Honolulu
Los Angeles | San Antonio | San Diego | San Jose | San Francisco | Fort Worth | El Paso | Las Vegas
Kansas City | Long Beach | New Orleans | Salt Lake City | Bay Area | Twin Cities | Inland Empire
Central Valley | Rio Grande Valley | Hudson Valley | Long Island | Southern California
Northern California | Central Texas | South Florida | Western New York | Northern Virginia
"""
PLACES = [place.strip() for place in PLACES_TEXT.replace("\n", "|").split("|") if place.strip()]


def load_names() -> list[str]:
    return [line for line in NAMES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name_a, name_b, label = line.split("\t")
        pairs.append((name_a, name_b, label))
    return pairs


def flagged_pairs(names: list[str]) -> list[tuple[str, str, str]]:
    """Each unordered pair of names where one is flagged against the other, with the reason."""
    index = OrgNameIndex(enumerate(names))
    seen: set[tuple[int, int]] = set()
    found = []
    for i, name in enumerate(names):
        for match in index.likely_duplicates(name, limit=len(names), exclude_id=i):
            pair = (min(i, match.id), max(i, match.id))
            if pair not in seen:
                seen.add(pair)
                found.append((names[pair[0]], names[pair[1]], match.reason))
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_lookups(index: OrgNameIndex, queries: list[str]) -> list[float]:
    # A trailing space makes every query a new string, so its profile is computed as for a freshly
    # typed name instead of coming from the cache filled while building the index.
    times = []
    for query in queries:
        start = time.perf_counter()
        index.likely_duplicates(query + " ")
        times.append((time.perf_counter() - start) * 1000)
    return times


def synthetic_names(names: list[str], total: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Grow the list to ``total`` with chapter-style names.

    Generated names that are the same chapter as a listed one ("Sunrise Philadelphia" when the list
    has "Sunrise Philly") are left out, and returned with the listed name they were matched to.
    """
    index = OrgNameIndex(enumerate(names))
    keys = {org_key(n) for n in names}
    extra: list[str] = []
    skipped: list[tuple[str, str]] = []
    for place in PLACES:
        for network in NETWORKS:
            candidate = network.format(place)
            if org_key(candidate) in keys:
                continue
            matches = index.likely_duplicates(candidate, limit=1)
            if matches:
                skipped.append((candidate, matches[0].name))
                continue
            keys.add(org_key(candidate))
            extra.append(candidate)
    return (names + extra)[:total], skipped


def main() -> int:
    names = load_names()
    pairs = load_pairs()

    print(
        f"(a) False flags among all pairs of {NAMES_FILE.name} ({len(names)} names, "
        f"{len(names) * (len(names) - 1) // 2} pairs)"
    )
    false_flags = flagged_pairs(names)
    flagged_names = {a for a, _, _ in false_flags} | {b for _, b, _ in false_flags}
    print(f"    names flagged against another: {len(flagged_names)}; flagged pairs: {len(false_flags)}")
    for a, b, reason in false_flags:
        print(f"    FLAG  {a!r} ~ {b!r}  ({reason})")

    print(f"\n(b) Labeled pairs in {PAIRS_FILE.name}")
    same = [(a, b) for a, b, label in pairs if label == "same"]
    distinct = [(a, b) for a, b, label in pairs if label == "distinct"]
    found = 0
    by_reason: dict[str, int] = {}
    missed = []
    for a, b in same:
        matches = find_likely_duplicates(a, [(1, b)])
        if matches:
            found += 1
            reason = matches[0].reason.split(":")[0]
            by_reason[reason] = by_reason.get(reason, 0) + 1
        else:
            missed.append((a, b))
    print(f"    recall on 'same' pairs: {found}/{len(same)} = {found / len(same):.1%}")
    for reason, count in sorted(by_reason.items(), key=lambda item: -item[1]):
        print(f"      {count:3d}  {reason}")
    for a, b in missed:
        print(f"    MISSED  {a!r} ~ {b!r}")
    wrong = [(a, b, m[0].reason) for a, b in distinct if (m := find_likely_duplicates(a, [(1, b)]))]
    print(f"    false flags on 'distinct' pairs: {len(wrong)}/{len(distinct)}")
    for a, b, reason in wrong:
        print(f"    FLAG  {a!r} ~ {b!r}  ({reason})")

    print("\n(c) Time per lookup")
    index = OrgNameIndex(enumerate(names))
    times = time_lookups(index, names)
    print(
        f"    OrgNameIndex of {len(index)} names, {len(times)} lookups: "
        f"median {statistics.median(times):.2f} ms, p99 {percentile(times, 0.99):.2f} ms, "
        f"max {max(times):.2f} ms"
    )
    big_names, skipped = synthetic_names(names, 2000)
    start = time.perf_counter()
    big = OrgNameIndex(enumerate(big_names))
    build_ms = (time.perf_counter() - start) * 1000
    times = time_lookups(big, names)
    print(
        f"    OrgNameIndex of {len(big)} names (list + chapter-style names), built in {build_ms:.0f} ms: "
        f"median {statistics.median(times):.2f} ms, p99 {percentile(times, 0.99):.2f} ms, "
        f"max {max(times):.2f} ms"
    )
    existing = list(enumerate(big_names))
    function_times = []
    for name in names[::5]:
        start = time.perf_counter()
        find_likely_duplicates(name + " ", existing)
        function_times.append((time.perf_counter() - start) * 1000)
    print(
        f"    find_likely_duplicates against {len(existing)} names (no index, {len(function_times)} calls): "
        f"median {statistics.median(function_times):.2f} ms, p99 {percentile(function_times, 0.99):.2f} ms"
    )
    extra_flags = flagged_pairs(big_names)
    print(
        f"    false flags among those {len(big_names)} names: {len(extra_flags)} "
        f"({len(skipped)} generated names were left out as the same chapter as a listed name, e.g. "
        + "; ".join(f"{a!r} ~ {b!r}" for a, b in skipped[:3])
        + ")"
    )
    for a, b, reason in extra_flags[:20]:
        print(f"    FLAG  {a!r} ~ {b!r}  ({reason})")

    print(f"\n(d) Exact-key collisions within {NAMES_FILE.name}")
    keys: dict[str, str] = {}
    collisions = []
    empty = [n for n in names if not org_key(n)]
    for name in names:
        key = org_key(name)
        if key in keys:
            collisions.append((keys[key], name))
        keys[key] = name
    print(f"    collisions: {len(collisions)}; empty keys: {len(empty)}")
    for a, b in collisions:
        print(f"    COLLISION  {a!r} = {b!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
