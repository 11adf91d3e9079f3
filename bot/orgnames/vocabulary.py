"""Words, abbreviations, spellings and places the near-duplicate rules know."""

from __future__ import annotations

from typing import Final


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one string (kept as a call so linters do not explode it)."""
    return frozenset(text.split())


# Words that never tell two organizations apart ("Council on/of American-Islamic Relations",
# "Mujeres Unidas y Activas" vs "Mujeres Unidas & Activas"). Spanish/French articles and "y"/"et"
# are here, which is how "y" and "et" count as "and" for warnings without touching the key.
STOPWORDS: Final = word_set(
    """
    the of for and a an in on at to with by from
    y et de del la las el los en para por con des du le les
    inc incorporated llc ltd
    """
)

# Extra words that do not make a different organization when everything else matches
# ("Sunrise Movement Boston Hub" = "Sunrise Boston", "Sierra Club Florida Chapter" = "Sierra Club
# Florida"). A place, number or any other word left over still prevents a warning.
WEAK_WORDS: Final = word_set("movement hub chapter local branch affiliate office organization")

# Abbreviations typed in organization names, folded (so "Nat'l", "natl." -> "natl").
ABBREVIATIONS: Final[dict[str, str]] = {
    "natl": "national",
    "assn": "association",
    "assoc": "association",
    "asoc": "asociacion",
    "ctr": "center",
    "cntr": "center",
    "intl": "international",
    "org": "organization",
    "orgs": "organizations",
    "dept": "department",
    "svc": "service",
    "svcs": "services",
    "fdn": "foundation",
    "fndn": "foundation",
    "inst": "institute",
    "univ": "university",
    "cmty": "community",
    "cmte": "committee",
    "govt": "government",
    "educ": "education",
    "proj": "project",
    "ntwk": "network",
    "fed": "federation",
    "amer": "american",
    "bros": "brothers",
    "st": "saint",
    "ft": "fort",
    "mt": "mount",
    "usa": "us",
}

# British spellings and the like: reported as "spelling differs slightly" rather than as expansion.
SPELLINGS: Final[dict[str, str]] = {
    "centre": "center",
    "centres": "centers",
    "organisation": "organization",
    "organisations": "organizations",
    "labour": "labor",
    "defence": "defense",
    "neighbour": "neighbor",
    "neighbours": "neighbors",
    "neighbourhood": "neighborhood",
    "neighbourhoods": "neighborhoods",
    "programme": "program",
    "programmes": "programs",
    "honour": "honor",
    "colour": "color",
    "counselling": "counseling",
    "theatre": "theater",
}

# Places that chapters of national networks are named after. "|" and line ends separate places; in one,
# the first spelling is the canonical name and the ones after commas are aliases.
_STATES: Final = """
alabama, al | alaska, ak | arizona, az | arkansas, ar | california, ca, calif | colorado, co
connecticut, ct | delaware, de | florida, fl, fla | georgia, ga | hawaii, hi | idaho, id
illinois, il | indiana, in | iowa, ia | kansas, ks | kentucky, ky | louisiana | maine, me
maryland, md | massachusetts, ma | michigan, mi | minnesota, mn | mississippi, ms | missouri, mo
montana, mt | nebraska, ne | nevada, nv | new hampshire, nh | new jersey, nj | new mexico, nm
new york, ny, nueva york | north carolina, nc | north dakota, nd | ohio, oh | oklahoma, ok
oregon, or | pennsylvania, pa | rhode island, ri | south carolina, sc | south dakota, sd
tennessee, tn | texas, tx | utah, ut | vermont, vt | virginia, va | washington, wa
west virginia, wv | wisconsin, wi | wyoming, wy | district of columbia, dc, washington dc
puerto rico, pr
"""

_CITIES: Final = """
new york city, nyc | los angeles, la | chicago | houston | phoenix | philadelphia, philly
san antonio | san diego | dallas | san jose | austin | jacksonville | fort worth | columbus
charlotte | san francisco, sf | indianapolis | seattle | denver | boston | el paso | nashville
detroit | oklahoma city | portland | las vegas | memphis | louisville | baltimore | milwaukee
albuquerque | tucson | fresno | sacramento | kansas city | atlanta | omaha | colorado springs
raleigh | long beach | virginia beach | miami | oakland | minneapolis | tulsa | tampa
new orleans, nola | cleveland | pittsburgh | cincinnati | saint louis | saint paul | newark
jersey city | buffalo | durham | greensboro | lancaster | harrisburg | richmond | providence
hartford | new haven | bridgeport | salt lake city | boise | anchorage | honolulu | santa fe
santa ana | anaheim | riverside | san bernardino | stockton | bakersfield | modesto | salinas
santa cruz | san mateo | berkeley | brooklyn | bronx | queens | manhattan | staten island | harlem
yonkers | rochester | syracuse | albany | worcester | springfield | lowell | cambridge | somerville
chelsea | grand rapids | ann arbor | lansing | dearborn | flint | kalamazoo | madison | green bay
des moines | wichita | little rock | birmingham | montgomery | charleston | savannah | orlando
saint petersburg | fort lauderdale | west palm beach | homestead | immokalee | laredo | mcallen
brownsville | corpus christi | lubbock | plano | fort wayne | evanston | aurora | elgin | waukegan
joliet | rockford | galveston | dayton | toledo | akron | lexington | knoxville | chattanooga
greenville | asheville | winston salem | norfolk | alexandria | arlington | silver spring
takoma park | hyattsville | northampton | pasadena | ventura | marin | tacoma | spokane | yakima
eugene | salem | reno | boulder | fort collins | pueblo
bay area | east bay | south bay | silicon valley | twin cities | inland empire | central valley
rio grande valley | hudson valley | long island | puget sound | central coast
southern california, socal | northern california, norcal | central california | central texas
north texas | south texas | west texas | east texas | south florida | central florida
north florida | western new york | upstate new york | western massachusetts | eastern washington
northern virginia, nova | northern nevada | southern nevada | southern arizona
northern new jersey | south jersey | north jersey | greater boston | greater philadelphia
greater dallas
"""

# Two-letter codes that are also ordinary words ("Faith in Action", "Centro de la Raza",
# "Casa de Maryland"): a place only when typed in capitals in a name that is not all capitals, or as
# the last word of an all-capitals name ("CAIR-LA"). "LA" is read as Los Angeles, not Louisiana.
AMBIGUOUS_CODES: Final = word_set("al co de hi id in la ma me mi mo ms mt ne oh ok or pa")


def _build_places() -> dict[tuple[str, ...], str]:
    places: dict[tuple[str, ...], str] = {}
    for block in (_STATES, _CITIES):
        for entry in block.replace("\n", "|").split("|"):
            if not entry.strip():
                continue
            canonical, *aliases = (spelling.strip() for spelling in entry.split(","))
            for spelling in (canonical, *aliases):
                places[tuple(spelling.split())] = canonical
    return places


PLACES: Final = _build_places()
MAX_PLACE_WORDS: Final = max(len(p) for p in PLACES)
