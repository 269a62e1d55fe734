#!/usr/bin/env python3
"""Builds Dossier's shipped knowledge base (data/kb/) from the open sources.

Reads the source tree given by --sources (default: ../shared/data/kb-sources,
relative to the repository root) and writes, under --out (default: data/kb):

  entities.tsv  id, type, kind, name, provenance, attributes ("k=v;k=v")
  aliases.tsv   entity_id, alias, alias_kind
                (name|acronym|demonym|adjective|code|title_name|spelling)
  roles.tsv     entity_id, code, label, start, end  (dates YYYY-MM-DD or empty)
  VERSION       one line: sha256 over the three TSV files
  STATS         counts of entities by kind, of aliases by kind, and of roles
  LICENSE.ODbL-1.0  the Open Database License the derived database is under

Every TSV file starts with a header line, is UTF-8, unquoted, and its fields
never contain tabs or newlines. Rows are sorted, so that two runs on the same
sources give byte-identical files, and every entity id is derived only from a
key in the sources (ISO code, acronym, or the slug of a source name), so ids
are stable across rebuilds.

Sources and what is taken from each:
  countries/countries.json       country names, official names, alternative
                                 spellings, demonyms, capitals, regions (ODbL)
  iso-codes/iso_3166-1.json      ISO names and official names (LGPL-2.1+)
  iso-codes/iso_3166-2.json      first-level subdivisions
  iso-codes/iso_3166-3.json      former countries (Soviet Union, Yugoslavia...)
  intl-orgs/CountrycodesOrgs.csv international organisations and members (MIT)
  petrarch2/dictionaries/Phoenix.Countries.actors.txt
                                 people with date-ranged CAMEO roles, and
                                 spelling variants of country names (MIT)
  petrarch2/dictionaries/Phoenix.International.actors.txt
                                 heads of international organisations and
                                 extra organisation aliases (MIT)

Everything that is written by hand rather than read from a source (combining
forms such as "Sino", the CAMEO sector labels, a few organisation merges, the
United Nations main bodies) is in the tables near the top of this file.

Standard library only. Usage:
  python3 tools/kb_build.py [--sources DIR] [--out DIR]
"""

import argparse
import collections
import csv
import difflib
import hashlib
import json
import os
import re
import sys
import unicodedata

# ---------------------------------------------------------------------------
# Hand-written tables.
# ---------------------------------------------------------------------------

# Combining forms used in compounds such as "Sino-Russian" or "Anglo-French".
# Not in any source: written by hand for this project.
COMBINING_FORMS = {
    "CHN": ["Sino"],
    "RUS": ["Russo"],
    "IND": ["Indo"],
    "FRA": ["Franco"],
    "GBR": ["Anglo"],
    "ITA": ["Italo"],
    "DEU": ["Germano"],
    "ESP": ["Hispano"],
    "PRT": ["Luso"],
    "JPN": ["Nippo", "Japano"],
    "TUR": ["Turco"],
    "GRC": ["Greco", "Graeco"],
    "AUT": ["Austro"],
    "BEL": ["Belgo"],
    "DNK": ["Dano"],
    "CZE": ["Czecho"],
    "SRB": ["Serbo"],
    "POL": ["Polono"],
    "USA": ["Americo"],
    "SUN": ["Soviet"],
}

# Two-letter codes kept as aliases even though the brief keeps only three-letter
# codes by default: they are how news text names these countries.
KEPT_TWO_LETTER_CODES = {"USA": ["US"]}

# Three-letter ISO codes that are also ordinary English words or abbreviations
# ("and", "can", "per", "Sen.", "est."): never emitted as code aliases.
AMBIGUOUS_ISO3 = {
    "ALA", "AND", "ARE", "ARM", "BEN", "BRA", "CAN", "COD", "COG", "COL", "COM",
    "CUB", "DOM", "ESP", "EST", "FIN", "GAB", "GEO", "GIN", "GUM", "GUY", "HUN",
    "JAM", "KEN", "LIE", "MAC", "MAR", "MUS", "NAM", "NER", "NIC", "NOR", "PAN",
    "PER", "POL", "PRY", "SEN", "SUR", "TON", "TUN", "VAT",
}

# Former countries from ISO 3166-3 that news of the last decades still names as
# actors of their own, with the English short names used for them (ISO's
# names are of the form "USSR, Union of Soviet Socialist Republics").
FORMER_COUNTRIES = {
    "SUN": ("Soviet Union", ["USSR", "Union of Soviet Socialist Republics"],
            ["Soviet"]),
    "YUG": ("Yugoslavia", ["Socialist Federal Republic of Yugoslavia",
                           "Federal Republic of Yugoslavia"], ["Yugoslav"]),
    "CSK": ("Czechoslovakia", ["Czechoslovak Socialist Republic"],
            ["Czechoslovak"]),
    "DDR": ("East Germany", ["German Democratic Republic", "GDR"],
            ["East German"]),
    "SCG": ("Serbia and Montenegro", [], []),
    "YMD": ("South Yemen", ["People's Democratic Republic of Yemen"], []),
    "VDR": ("North Vietnam", ["Democratic Republic of Viet-Nam"], []),
}
# Former names of current countries (ISO 3166-3 alpha-3 -> current alpha-3).
FORMER_NAMES = {
    "ZAR": ("COD", "Zaire"),
    "BUR": ("MMR", "Burma"),
    "TMP": ("TLS", "East Timor"),
    "DHY": ("BEN", "Dahomey"),
    "HVO": ("BFA", "Upper Volta"),
    "RHO": ("ZWE", "Rhodesia"),
    "NHB": ("VUT", "New Hebrides"),
}

# Country-like prefixes of CAMEO actor codes that are not current ISO 3166-1
# alpha-3 codes, for role labels.
CAMEO_EXTRA_COUNTRIES = {
    "USR": "Soviet Union",
    "SUN": "Soviet Union",
    "YUG": "Yugoslavia",
    "DDR": "East Germany",
    "CSK": "Czechoslovakia",
    "SCG": "Serbia and Montenegro",
    "FRY": "Federal Republic of Yugoslavia",
    "KSV": "Kosovo",
    "KRJ": "Republic of Serbian Krajina",
    "SRP": "Republika Srpska",
    "TMP": "East Timor",
    "IGO": "intergovernmental organization",
    "NGO": "non-governmental organization",
    "IMG": "international militarized group",
    "MNC": "multinational corporation",
}
# CAMEO country prefixes whose state has another id here (country:<id>).
CAMEO_TO_ENTITY_COUNTRY = {"TMP": "TLS", "KSV": "UNK", "USR": "SUN"}
# CAMEO country prefixes of fictional test countries: entries are skipped.
CAMEO_FICTIONAL = {"KNT"}

# CAMEO actor role and sector codes (CAMEO manual, actor codebook).
CAMEO_SECTORS = {
    "GOV": "government", "MIL": "military", "ELI": "elite",
    "OPP": "opposition", "LEG": "legislature", "JUD": "judiciary",
    "BUS": "business", "MED": "media", "REB": "rebels",
    "SPY": "intelligence", "COP": "police", "EDU": "education",
    "AGR": "agriculture", "HLH": "health", "DEV": "development",
    "LAB": "labor", "ENV": "environment", "HRI": "human rights",
    "REL": "religion", "REF": "refugees", "PTY": "political party",
    "INS": "insurgents", "SEP": "separatists", "UAF": "armed forces",
    "CVL": "civilians", "CRM": "criminals", "MOD": "moderate",
    "RAD": "radical", "UNR": "unrecognized", "OCC": "occupied",
    "AUT": "autonomous", "MUS": "Muslim", "CHR": "Christian",
    "JEW": "Jewish", "BUD": "Buddhist", "HIN": "Hindu",
    "CTH": "Catholic", "ORT": "Orthodox", "PRO": "Protestant",
    "SUN": "Sunni", "SHI": "Shia",
    # Regions and bodies used after IGO / NGO.
    "UNO": "United Nations", "EEC": "European Union", "WST": "the West",
    "NAT": "NATO", "EUR": "Europe", "AFR": "Africa", "ASA": "Asia",
    "LAM": "Latin America", "MEA": "Middle East", "CAS": "Central Asia",
    "SEA": "Southeast Asia", "SAS": "South Asia", "SCN": "Scandinavia",
    "CRB": "Caribbean", "WAF": "West Africa", "EAF": "East Africa",
    "SAF": "Southern Africa", "NAF": "North Africa", "EEU": "Eastern Europe",
    "WBK": "World Bank", "IMF": "IMF", "WTO": "WTO", "IAE": "IAEA",
    "WHO": "WHO", "KID": "UNICEF", "WFP": "World Food Programme",
    "HCR": "UNHCR", "HCH": "High Commissioner for Human Rights",
    "ICJ": "International Court of Justice", "ASN": "ASEAN",
    "AFU": "African Union", "WAS": "ECOWAS", "EAC": "East African Community",
    "EFT": "EFTA", "SAA": "SAARC", "IRC": "Red Cross",
}

# Organisations listed twice in intl-orgs under different ids: the second id
# is folded into the first (its acronym stays an alias).
ORG_MERGES = {
    "PA": "PACIFIC_ALLIANCE",
    "USAN": "UNASUR",
    "EEU": "EAEU",
    "CAIS": "SICA",
    "AL": "LAS",
}
# Source ids that are really names, mapped to the id they get here.
ORG_ID_OVERRIDES = {"UN_SECURITY_COUNCIL": "UNSC"}
# Extra names for some organisations (commonly used, not in intl-orgs).
ORG_EXTRA_NAMES = {
    "LAS": [("Arab League", "name")],
    "UNSC": [("United Nations Security Council", "name"),
             ("Security Council of the United Nations", "name"),
             ("UN Security Council", "name")],
}
# Names and adjectives that news uses and no source lists, added by hand
# (provenance: this file): "Britain" (the sources have "Great Britain"),
# the demonym of Chechnya, the adjective of the European Union.
EXTRA_ALIASES = {
    "country:GBR": [("Britain", "name")],
    "place:chechnya": [("Chechen", "demonym"), ("Chechens", "demonym")],
    "org:EU": [("European", "adjective")],
    # The countries database now names Turkey "Türkiye" and lists no
    # "Turkey"; news of every year uses it.
    "country:TUR": [("Turkey", "name")],
    "country:CHN": [("PRC", "acronym")],
    # The Palestinian territories by the names news uses (a province of
    # Mozambique is also called Gaza; the country is the better prior).
    "country:PSE": [("Gaza", "name"), ("Gaza Strip", "name"), ("West Bank", "name")],
}
# Words of PETRARCH2 phrases that name an organisation's officials.
ORG_OFFICIAL_WORDS = {
    "SECRETARY", "SECRETARY-GENERAL", "SEC.", "SECY", "GEN", "CHIEF", "HEAD",
    "SPOKESMAN", "SPOKESWOMAN", "OFFICIAL", "OFFICIALS", "ENVOY", "DIRECTOR",
    "CHAIRMAN", "PRESIDENT", "AMBASSADOR", "MONITOR", "MONITORS", "MINISTERS",
}
# PETRARCH2 synonyms that name a document, not the organisation.
ORG_ALIAS_EXCLUDED = {"UNSCR"}
# Main bodies of the United Nations that intl-orgs does not list.
HAND_ORGS = [
    ("UNGA", "United Nations General Assembly",
     [("UN General Assembly", "name"),
      ("General Assembly of the United Nations", "name"),
      ("UNGA", "acronym")], "parent=org:UN"),
    # The grouping of China, Russia, Kazakhstan, Kyrgyzstan and Tajikistan
    # (1996-2001) that became the SCO; news of 2001 names both.
    ("SHANGHAI-FIVE", "Shanghai Five",
     [("Shanghai Five", "name"), ("Shanghai 5", "spelling")], "successor=org:SCO"),
]
ORG_ATTRIBUTE_EXTRA = {"UNSC": "parent=org:UN"}
# World regions named in news (no source lists them): id, name, adjectives.
HAND_REGIONS = [
    ("africa", "Africa", ["African"]),
    ("asia", "Asia", ["Asian"]),
    ("europe", "Europe", []),
    ("central-asia", "Central Asia", ["Central Asian"]),
    ("east-asia", "East Asia", ["East Asian"]),
    ("southeast-asia", "Southeast Asia", ["Southeast Asian", "South-East Asia"]),
    ("south-asia", "South Asia", ["South Asian"]),
    ("middle-east", "Middle East", ["Middle Eastern"]),
    ("latin-america", "Latin America", ["Latin American"]),
    ("north-america", "North America", ["North American"]),
    ("asia-pacific", "Asia-Pacific", []),
    ("caucasus", "Caucasus", []),
    ("north-caucasus", "North Caucasus", []),
    ("siberia", "Siberia", ["Siberian"]),
    ("balkans", "Balkans", []),
]
# Acronyms of one or two letters are only kept as aliases when they are this
# well known ("C" for the Commonwealth or "AG" for the Australia Group are not).
SHORT_ACRONYMS_KEPT = {"UN", "EU", "AU"}

# People known by one name. Other one-word person entries of PETRARCH2 are
# mostly typing slips ("PATPARRIS_", "MIMARDANOV_") and are skipped.
MONONYMS = {"SUHARTO", "SUKARNO", "AKIHITO", "HIROHITO", "NARUHITO"}

# Words that mark a PETRARCH2 synonym as "title + name" ("President Putin").
TITLE_WORDS = {
    "PRESIDENT", "PRIME", "MINISTER", "PREMIER", "CHANCELLOR", "SECRETARY",
    "SECRETARY-GENERAL", "GENERAL", "GEN", "GEN.", "MR", "MR.", "MRS", "MRS.",
    "MS", "MS.", "DR", "DR.", "SENATOR", "SEN.", "CONGRESSMAN",
    "CONGRESSWOMAN", "REPRESENTATIVE", "REP.", "GOVERNOR", "GOV.", "KING",
    "QUEEN", "PRINCE", "PRINCESS", "CROWN", "SHEIKH", "SHEIK", "SHAIKH",
    "EMIR", "AYATOLLAH", "ACTING", "HOJATOLISLAM", "AMBASSADOR",
    "CHAIRMAN", "CHAIRWOMAN", "CHAIR", "LEADER", "FORMER", "VICE", "DEPUTY",
    "FOREIGN", "DEFENSE", "DEFENCE", "FINANCE", "INTERIOR", "SPEAKER", "MAYOR",
    "JUDGE", "COLONEL", "COL.", "MARSHAL", "FIELD", "ADMIRAL", "ADM.",
    "CAPTAIN", "CAPT.", "LIEUTENANT", "LT.", "SERGEANT", "COMMANDER", "CHIEF",
    "DIRECTOR", "REFORMER", "DICTATOR", "STRONGMAN", "OPPOSITION", "REBEL",
    "ACTIVIST", "DISSIDENT", "CARDINAL", "POPE", "BISHOP", "ARCHBISHOP",
    "REVEREND", "REV.", "IMAM", "MULLAH", "RABBI", "LORD", "LADY", "SIR",
    "BARON", "DAME", "EX-PRESIDENT", "EX-PRIME", "EX-SOVIET", "PRESIDENT-ELECT",
    "CANDIDATE", "OFFICIAL", "SPOKESMAN", "SPOKESWOMAN", "ENVOY", "HEAD",
    "COMMUNIST", "SOVIET", "PARTY", "STATE", "NATIONAL", "SECURITY", "ADVISER",
    "ADVISOR", "ATTORNEY", "JUSTICE", "CZAR", "TSAR", "PM", "CEO", "MP",
}
# Words of TITLE_WORDS that are never part of a person's name.
OFFICE_WORDS = {
    "PRESIDENT", "PRIME", "MINISTER", "PREMIER", "CHANCELLOR", "SECRETARY",
    "SECRETARY-GENERAL", "SENATOR", "CONGRESSMAN", "CONGRESSWOMAN",
    "GOVERNOR", "AMBASSADOR", "CHAIRMAN", "CHAIRWOMAN", "MR", "MR.", "MRS",
    "MRS.", "DR.", "GEN.", "SPOKESMAN", "SPOKESWOMAN", "DIRECTOR", "MAYOR",
    "AYATOLLAH", "HOJATOLISLAM", "EX-PRESIDENT", "PRESIDENT-ELECT", "FORMER",
    "VICE", "DEPUTY", "REPRESENTATIVE", "OFFICIAL", "LEADER", "ACTING",
    "SEC.", "MIN.", "VICE-PRESIDENT", "VICE-CHAIRMAN", "SECRETARY-GENERAL",
}
# Dotted acronyms that mark a title ("U.S. President"); other dotted tokens
# are initials ("A.P.J. Abdul Kalam").
DOTTED_TITLE_ACRONYMS = {"U.S.", "U.N.", "U.K.", "E.U."}
# Words that, at the end of a synonym, make it name something other than the
# person ("Gorbachev administration", "Assad regime"): such synonyms are dropped.
NON_PERSON_TAIL_WORDS = {
    "ADMINISTRATION", "GOVERNMENT", "REGIME", "CABINET", "FORCES", "SUPPORTERS",
    "LOYALISTS", "CAMP", "FAMILY", "ERA", "DOCTRINE", "MILITIA", "MILITIAS",
    "GROUP", "FACTION", "ARMY", "TROOPS", "PARTY", "MOVEMENT", "FOUNDATION",
}
# Words that mark a PETRARCH2 actor as an institution or group, not a person.
INSTITUTION_WORDS = {
    "ARMY", "FORCE", "FORCES", "COUNCIL", "PARTY", "MINISTRY", "DEPARTMENT",
    "AGENCY", "ASSEMBLY", "CONGRESS", "COURT", "HOUSE", "PALACE", "FRONT",
    "BRIGADE", "BRIGADES", "MOVEMENT", "STATE", "GOVERNMENT", "ADMINISTRATION",
    "OFFICE", "BUREAU", "SERVICE", "SERVICES", "COMMITTEE", "COMMISSION",
    "UNION", "ORGANIZATION", "ORGANISATION", "ALLIANCE", "COALITION",
    "AUTHORITY", "DIRECTORATE", "INTELLIGENCE", "COMMUNITY", "UNIVERSITY",
    "INSTITUTE", "TEAM", "GUARD", "GUARDS", "RIFLES", "REGIME", "FORCES",
    "POLICE", "MILITARY", "POLITBURO", "PRESIDIUM", "SOVIET", "REPUBLIC",
    "KINGDOM", "EMPIRE", "DECLARATION", "OBSERVATORY", "RIOT", "NATIONS",
    "SECRETARY", "PRESIDENT", "MINISTER", "VICE-PRESIDENT", "AMBASSADOR",
    "ATTORNEY", "REPRESENTATIVE", "DIRECTOR", "GENERAL", "THINK", "TANK",
    "KREMLIN", "RESERVE", "CORPS", "SYSTEM", "GROUP", "NETWORK", "CENTER",
    "CENTRE", "FUND", "BANK", "ASSOCIATION", "FEDERATION", "LEAGUE",
    "AGREEMENT", "TREATY", "PROGRAM", "PROGRAMME", "MISSION", "TRIBUNAL",
    "DIVISION", "REGIMENT", "BATTALION", "COMPANY", "CORPORATION", "MONITOR",
    "OCEAN", "SEA", "RIVER", "ISLANDS", "ISLAND", "PROVINCE", "REGION",
    "KURDISTAN", "SCHOOL", "HOSPITAL", "CHURCH", "MOSQUE", "TEMPLE",
    "STATES", "RIGHTS", "HUMAN", "INTERNET",
}
# PETRARCH2 roots without codes of their own that look like two-word names
# but are institutions.
NOT_PEOPLE = {"SCOTLAND_YARD", "LOK_SABHA", "SHIN_BET", "WEST_POINT",
              "WEST_WING"}
# Words that mark an entry of the leaders list as a collective body.
COLLECTIVE_WORDS = {
    "COUNCIL", "COMMITTEE", "PARTY", "ARMY", "FORCES", "MINISTRY",
    "DEPARTMENT", "AGENCY", "ASSEMBLY", "CONGRESS", "COURT", "GOVERNMENT",
    "ADMINISTRATION", "BUREAU", "COMMISSION", "UNION", "ORGANIZATION",
    "FRONT", "MOVEMENT", "JUNTA", "DIRECTORATE", "PRESIDIUM", "POLITBURO",
    "REPUBLIC", "CABINET", "TRIUMVIRATE", "REGENCY", "COLLEGE",
}
# Words of Arabic group names ("Jabhat al-Nusra", "Ahrar al-Sham").
GROUP_NAME_WORDS = {
    "JABHAT", "JAYSH", "JAISH", "LIWA", "LIWAA", "KATAEB", "KATAIB", "HARAKAT",
    "AHRAR", "ANSAR", "JUND", "SARAYAT", "GHURABA", "TAWHID", "MUHAJIRIN",
    "MUHAJIREEN", "HAZM", "SUQOUR", "HIZB", "TANZIM", "ISLAMIC", "ISIS",
    "ISIL", "ERGENEKON", "TALIBAN", "QAEDA",
}
# Name particles written in lower case when inside a name ("Bashar al-Assad",
# "Charles de Gaulle", "Osama bin Laden").
NAME_PARTICLES = {
    "AL", "EL", "BIN", "BINT", "IBN", "DE", "DA", "DEL", "DELLA", "DER", "DEN",
    "VAN", "VON", "DOS", "DAS", "Y", "UD", "UL",
}
# Prefixes after which a hyphenated word goes on in lower case ("Co-operation").
HYPHEN_PREFIXES = {"CO", "NON", "ANTI", "PRE", "POST", "SELF", "RE", "EX",
                   "MULTI", "INTER", "PRO"}
# Small words written in lower case inside titles ("President of the ...").
SMALL_WORDS = {"OF", "THE", "AND", "FOR", "IN", "ON", "TO", "AT"}
# Acronyms written in capitals inside titles.
TITLE_ACRONYMS = {
    "US", "USA", "UN", "UK", "EU", "CIA", "FBI", "NATO", "KGB", "FSB", "IAEA",
    "PLO", "PLA", "ANC", "CEO", "PM", "MP", "NSA", "UAE", "USSR", "SCO",
    "OSCE", "ICC", "WHO", "IMF", "WTO",
}
# Regnal numbers ("Elizabeth II"). "XI" is left out: it is also a Chinese name.
REGNAL_NUMBERS = {"I", "II", "III", "IV", "VI", "VII", "VIII", "XIII", "XIV",
                  "XV", "XVI"}
# Generic words: a subdivision whose name consists only of these ("Central",
# "Northern", "Lakes") is skipped, as its name would match too much text.
GENERIC_PLACE_WORDS = {
    "NORTH", "SOUTH", "EAST", "WEST", "NORTHERN", "SOUTHERN", "EASTERN",
    "WESTERN", "CENTRAL", "CENTRE", "CENTER", "UPPER", "LOWER", "MIDDLE",
    "CAPITAL", "COAST", "COASTAL", "LAKES", "LAKE", "ISLANDS", "ISLAND",
    "NORTH-EAST", "NORTH-WEST", "SOUTH-EAST", "SOUTH-WEST", "NORTHEAST",
    "NORTHWEST", "SOUTHEAST", "SOUTHWEST", "CITY", "DISTRICT", "REGION",
    "PROVINCE", "INTERIOR", "PLATEAU", "VALLEY", "MOUNTAIN", "HIGHLANDS",
    "LITTORAL", "SAVANES", "PLATEAUX", "RIVER", "SEA", "GULF", "BAY",
    "NEW", "GREATER", "ORIENTAL", "OCCIDENTAL", "NORD", "SUD", "EST", "OUEST",
    "CENTRO", "NORTE", "OESTE", "CENTRE-EST", "CENTRE-OUEST", "CENTRE-NORD",
    "CENTRE-SUD", "ZONE", "DELTA", "COLON",
}
# Generic words that the ISO 3166-2 names of some countries carry ("Anhui
# Sheng", "Adygeja, Respublika"): stripped to get the short name.
SUBDIVISION_SUFFIXES = [
    " Zhuangzu Zizhiqu", " Huizu Zizhiqu", " Uygur Zizhiqu", " Zizhiqu",
    " Sheng", " Shi", " SAR",
]
# ISO 3166-2 subdivision types of the first rank, preferred for a bare id.
MAJOR_SUBDIVISIONS = {
    "State", "Province", "Region", "Autonomous region", "Republic",
    "Municipality", "Special administrative region", "Union territory",
    "Emirate", "Oblast", "Land", "Autonomous community", "Country",
    "Governorate", "Federal district", "Capital territory", "Territory",
}
# English names for a few subdivisions whose ISO names are in other scripts'
# romanization; written by hand.
SUBDIVISION_ENGLISH = {
    "CN-NM": "Inner Mongolia",
    "CN-XZ": "Tibet",
    "RU-MOW": "Moscow",
    "RU-SPE": "Saint Petersburg",
    "RU-CE": "Chechnya",
}

# Words that may surround a country's name in its official forms.
STATE_WORDS = {
    "REPUBLIC", "OF", "THE", "FEDERATION", "FEDERAL", "STATE", "STATES",
    "KINGDOM", "ISLAMIC", "PEOPLES", "DEMOCRATIC", "SOCIALIST", "ARAB",
    "UNITED", "UNION", "SULTANATE", "EMIRATE", "PRINCIPALITY", "COMMONWEALTH",
    "GRAND", "DUCHY", "AND",
}

ALIAS_KIND_PRIORITY = ["name", "acronym", "code", "demonym", "adjective",
                       "title_name", "spelling"]


# ---------------------------------------------------------------------------
# Small helpers.
# ---------------------------------------------------------------------------

def fold_ascii(text):
    """Removes diacritics: "Tādžikistān" -> "Tadzikistan"."""
    text = text.replace("ı", "i").replace("ł", "l").replace("Ł", "L")
    text = text.replace("ø", "o").replace("Ø", "O").replace("đ", "d")
    text = text.replace("Đ", "D").replace("ß", "ss").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text):
    """Lower-case ASCII slug: "People's Republic" -> "peoples-republic"."""
    text = fold_ascii(text).lower()
    text = re.sub(r"['’‘ʻ`]", "", text)
    text = re.sub(r"[^a-z0-9]+", "-", text)
    return text.strip("-")


def match_key(text):
    """Letters and digits only, lower case, folded: for comparisons."""
    return re.sub(r"[^a-z0-9]", "", fold_ascii(text).lower())


def clean(text):
    """Collapses white space; removes characters the TSV format forbids."""
    return re.sub(r"\s+", " ", text).strip()


def attr_value(text):
    return clean(text).replace(";", ",").replace("=", "-")


def is_latin(text):
    for c in text:
        if c.isalpha() and not ("LATIN" in unicodedata.name(c, "")):
            return False
    return True


class Kb:
    """The knowledge base being built: entities, aliases, roles."""

    def __init__(self):
        self.entities = {}   # id -> dict(type, kind, name, provenance, attrs)
        self.aliases = {}    # id -> {alias: kind}
        self.roles = {}      # id -> set of (code, label, start, end)

    def add_entity(self, eid, etype, kind, name, provenance, attrs):
        assert eid not in self.entities, eid
        self.entities[eid] = {
            "type": etype, "kind": kind, "name": clean(name),
            "provenance": provenance, "attrs": list(attrs)}
        self.aliases[eid] = {}
        self.add_alias(eid, name, "name")

    def add_alias(self, eid, alias, kind):
        alias = clean(alias)
        if not alias or eid not in self.entities:
            return
        current = self.aliases[eid].get(alias)
        if current is None or (ALIAS_KIND_PRIORITY.index(kind) <
                               ALIAS_KIND_PRIORITY.index(current)):
            self.aliases[eid][alias] = kind

    def add_role(self, eid, code, label, start, end):
        self.roles.setdefault(eid, set()).add((code, label, start, end))


# ---------------------------------------------------------------------------
# Countries, capitals, former countries.
# ---------------------------------------------------------------------------

def load_countries(src):
    with open(os.path.join(src, "countries", "countries.json"),
              encoding="utf-8") as f:
        countries = json.load(f)
    with open(os.path.join(src, "iso-codes", "iso_3166-1.json"),
              encoding="utf-8") as f:
        iso1 = {c["alpha_3"]: c for c in json.load(f)["3166-1"]}
    return countries, iso1


def language_adjectives(country):
    """Language names that are the country's adjective ("Tajik", "Russian")."""
    common = fold_ascii(country["name"]["common"]).lower()
    out = []
    for lang in sorted(country.get("languages", {}).values()):
        if len(lang) >= 4 and fold_ascii(lang).lower()[:4] == common[:4]:
            out.append(lang)
    return out


def build_countries(kb, src, countries, iso1):
    """Adds country:<ISO3> and place:<capital>; returns lookup tables."""
    names_by_iso3 = {}
    refs_by_iso3 = {}  # match keys of known names, for filtering spellings
    codes_by_iso3 = {}
    capitals = []  # (slug, name, iso3, un_member)
    prov = "countries:countries.json,iso-codes:iso_3166-1.json"
    for c in sorted(countries, key=lambda c: c["cca3"]):
        iso3 = c["cca3"]
        iso2 = c["cca2"]
        name = c["name"]["common"]
        eid = "country:" + iso3
        names_by_iso3[iso3] = name
        attrs = ["iso2=" + iso2, "iso3=" + iso3]
        if c.get("capital"):
            attrs.append("capital=" + attr_value(",".join(c["capital"])))
        if c.get("region"):
            attrs.append("region=" + attr_value(c["region"]))
        if c.get("subregion"):
            attrs.append("subregion=" + attr_value(c["subregion"]))
        kb.add_entity(eid, "LOCATION", "country", name, prov, attrs)
        kb.add_alias(eid, c["name"]["official"], "name")
        iso = iso1.get(iso3)
        if iso:
            kb.add_alias(eid, iso["name"], "name")
            if iso.get("official_name"):
                kb.add_alias(eid, iso["official_name"], "name")
            if iso.get("common_name"):
                kb.add_alias(eid, iso["common_name"], "name")
        codes = set()
        if iso3 in iso1 and iso3 not in AMBIGUOUS_ISO3:
            kb.add_alias(eid, iso3, "code")
            codes.add(iso3)
        for code in KEPT_TWO_LETTER_CODES.get(iso3, []):
            kb.add_alias(eid, code, "code")
            codes.add(code)
        for alt in c.get("altSpellings", []):
            if alt == iso2:
                continue
            if re.fullmatch(r"[A-Z]{2,5}", alt):
                if len(alt) > 2 or alt == "UK":
                    kb.add_alias(eid, alt, "acronym")
                    codes.add(alt)
                continue
            if "," in alt:  # "Korea, Republic of": a sorting form
                continue
            kind = "name" if re.match(r"(?i)^(the )?(\w+ )*(republic|kingdom|"
                                      r"state|federation|commonwealth|"
                                      r"principality|union|emirate)",
                                      alt) else "spelling"
            kb.add_alias(eid, alt, kind)
        demonyms = c.get("demonyms", {}).get("eng", {})
        for key in ("m", "f"):
            if demonyms.get(key):
                kb.add_alias(eid, demonyms[key], "demonym")
        for adj in language_adjectives(c):
            kb.add_alias(eid, adj, "adjective")
        for form in COMBINING_FORMS.get(iso3, []):
            kb.add_alias(eid, form, "adjective")
        codes_by_iso3[iso3] = codes
        refs_by_iso3[iso3] = {match_key(a) for a in kb.aliases[eid]
                              if is_latin(a) and len(match_key(a)) >= 4}
        un_member = bool(c.get("unMember"))
        for cap in c.get("capital", []):
            capitals.append((slugify(cap), cap, iso3, un_member))

    # A demonym or adjective shared by a UN member and a dependent territory
    # ("American" for the Northern Mariana Islands, "French" for French
    # Guiana) is kept only for the member state.
    un_members = {c["cca3"] for c in countries if c.get("unMember")}
    owners = collections.defaultdict(set)
    for iso3 in names_by_iso3:
        for alias, kind in kb.aliases["country:" + iso3].items():
            if kind in ("demonym", "adjective"):
                owners[alias].add(iso3)
    for alias, isos in sorted(owners.items()):
        if len(isos) > 1 and isos & un_members:
            for iso3 in sorted(isos - un_members):
                del kb.aliases["country:" + iso3][alias]

    # Former names of current countries, from ISO 3166-3.
    with open(os.path.join(src, "iso-codes", "iso_3166-3.json"),
              encoding="utf-8") as f:
        iso3_former = {c["alpha_3"]: c for c in json.load(f)["3166-3"]}
    for old, (current, name) in sorted(FORMER_NAMES.items()):
        if old in iso3_former and "country:" + current in kb.entities:
            kb.add_alias("country:" + current, name, "name")

    # Former countries with entities of their own.
    for code, (name, others, demonyms) in sorted(FORMER_COUNTRIES.items()):
        if code not in iso3_former or code in iso1:
            continue
        rec = iso3_former[code]
        eid = "country:" + code
        attrs = ["iso3=" + code, "withdrawn=" + rec.get("withdrawal_date", "")]
        kb.add_entity(eid, "LOCATION", "former_country", name,
                      "iso-codes:iso_3166-3.json", attrs)
        kb.add_alias(eid, rec["name"], "spelling")
        for other in others:
            kind = "acronym" if other.isupper() else "name"
            kb.add_alias(eid, other, kind)
        for dem in demonyms:
            kb.add_alias(eid, dem, "demonym")
        for form in COMBINING_FORMS.get(code, []):
            kb.add_alias(eid, form, "adjective")
        names_by_iso3[code] = name

    # Capitals: place:<slug>; when two capitals share a slug, the one of the
    # only UN member among them keeps the bare slug, the others get -<iso3>.
    by_slug = collections.defaultdict(list)
    for cap in capitals:
        by_slug[cap[0]].append(cap)
    capital_ids = {}  # (iso3, fold name) -> id
    for slug, caps in sorted(by_slug.items()):
        members = [c for c in caps if c[3]]
        for cap_slug, cap, iso3, un_member in sorted(caps, key=lambda c: c[2]):
            bare = len(caps) == 1 or (len(members) == 1 and un_member)
            eid = "place:" + (cap_slug if bare else
                              cap_slug + "-" + iso3.lower())
            kb.add_entity(eid, "LOCATION", "city", cap,
                          "countries:countries.json",
                          ["country=" + iso3, "capital_of=" + iso3])
            if cap == "Washington D.C.":
                kb.add_alias(eid, "Washington, D.C.", "spelling")
            if fold_ascii(cap) != cap:
                kb.add_alias(eid, fold_ascii(cap), "spelling")
            capital_ids[(iso3, match_key(cap))] = eid
    return names_by_iso3, refs_by_iso3, codes_by_iso3, capital_ids


# ---------------------------------------------------------------------------
# Subdivisions.
# ---------------------------------------------------------------------------

def subdivision_short_name(code, name):
    name = re.sub(r"\s*\[[^\]]*\]", "", name).strip()
    full = name
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()  # "(Region IV-A)"
    if code in SUBDIVISION_ENGLISH:
        return SUBDIVISION_ENGLISH[code], full
    if code.startswith("CN-"):
        for suffix in SUBDIVISION_SUFFIXES:
            if name.endswith(suffix):
                name = name[:-len(suffix)]
                break
    m = re.match(r"^(.*), (Respublika|Respublikasi)$", name)
    if m:
        name = m.group(1)
    return name, full


def build_subdivisions(kb, src, iso1, capital_ids, area_by_iso3):
    with open(os.path.join(src, "iso-codes", "iso_3166-2.json"),
              encoding="utf-8") as f:
        subs = json.load(f)["3166-2"]
    alpha2_to_3 = {c["alpha_2"]: a3 for a3, c in iso1.items()}
    alpha2_names = {c["alpha_2"]: match_key(c["name"]) for c in iso1.values()}
    candidates = []
    for s in subs:
        if "parent" in s:  # second level (a department inside a region)
            continue
        country2, _, local = s["code"].partition("-")
        iso3 = alpha2_to_3.get(country2)
        if not iso3:
            continue
        name, full = subdivision_short_name(s["code"], s["name"])
        if not name or not re.search(r"[A-Za-z]", fold_ascii(name)):
            continue
        words = re.split(r"[\s]+", fold_ascii(name).upper())
        if all(w in GENERIC_PLACE_WORDS for w in words):
            continue
        # "CN-TW Taiwan", "US-GU Guam": a country of its own in ISO 3166-1.
        if local in alpha2_names and alpha2_names[local] == match_key(name):
            continue
        candidates.append((s["code"], name, full, s["type"], iso3))

    # When several subdivisions share a slug, one keeps the bare slug: a
    # first-rank one (a state or province) if it is the only one of that rank,
    # else the one of the largest country; the others get -<iso 3166-2 code>.
    by_slug = collections.defaultdict(list)
    for cand in candidates:
        by_slug[slugify(cand[1])].append(cand)
    bare_code = {}
    for slug, cands in by_slug.items():
        if len(cands) > 1:
            best = min(cands, key=lambda c: (c[3] not in MAJOR_SUBDIVISIONS,
                                             -area_by_iso3.get(c[4], 0), c[0]))
            bare_code[slug] = best[0]
    taken = set(kb.entities)
    for code, name, full, stype, iso3 in sorted(candidates):
        attrs = ["country=" + iso3, "code=" + code,
                 "subdivision_type=" + attr_value(stype)]
        # A city-level subdivision that is the capital itself (Beijing Shi,
        # Dushanbe) is the same place: its names go to the capital entity.
        cap = capital_ids.get((iso3, match_key(name)))
        if cap:
            kb.entities[cap]["attrs"].append("code=" + code)
            kb.add_alias(cap, full, "name")
            continue
        slug = slugify(name)
        eid = "place:" + slug
        if bare_code.get(slug, code) != code or eid in taken:
            eid = "place:" + slug + "-" + code.lower()
        taken.add(eid)
        kb.add_entity(eid, "LOCATION", "subdivision", name,
                      "iso-codes:iso_3166-2.json", attrs)
        kb.add_alias(eid, full, "name")
        if fold_ascii(name) != name:
            kb.add_alias(eid, fold_ascii(name), "spelling")
        if fold_ascii(full) != full:
            kb.add_alias(eid, fold_ascii(full), "spelling")


# ---------------------------------------------------------------------------
# International organisations.
# ---------------------------------------------------------------------------

def spelling_variants(name):
    out = []
    pairs = [("Organization", "Organisation"), ("Labor", "Labour"),
             ("Defense", "Defence"), ("Program", "Programme")]
    for a, b in pairs:
        if re.search(r"\b%s\b" % a, name):
            out.append(re.sub(r"\b%s\b" % a, b, name))
        elif re.search(r"\b%s\b" % b, name):
            out.append(re.sub(r"\b%s\b" % b, a, name))
    return out


def org_id_for(source_id, name):
    if source_id in ORG_ID_OVERRIDES:
        return ORG_ID_OVERRIDES[source_id]
    compact = source_id.replace(" ", "")
    if re.fullmatch(r"[A-Z0-9-]+", compact):
        return compact
    return slugify(name)


def build_orgs(kb, src):
    path = os.path.join(src, "intl-orgs", "CountrycodesOrgs.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    orgs = {}  # source id -> (name, {member status -> set(iso3)})
    for r in rows:
        sid = r["org_id"].strip()
        name = clean(r["org_name"])
        entry = orgs.setdefault(sid, [name, collections.defaultdict(set)])
        status = clean(r["org_member"]).lower()
        if r["ISO_3166_3"].strip():
            entry[1][status].add(r["ISO_3166_3"].strip())

    prov = "intl-orgs:CountrycodesOrgs.csv"
    ids = {}
    for sid in sorted(orgs):
        if sid in ORG_MERGES:
            continue
        name, members = orgs[sid]
        oid = org_id_for(sid, name)
        ids[sid] = "org:" + oid
        attrs = []
        if members.get("member"):
            attrs.append("members=" + ",".join(sorted(members["member"])))
        if members.get("permanent"):
            attrs.append("permanent_members=" +
                         ",".join(sorted(members["permanent"])))
        if oid in ORG_ATTRIBUTE_EXTRA:
            attrs.append(ORG_ATTRIBUTE_EXTRA[oid])
        display = name
        if oid == "UNSC":
            display = "United Nations Security Council"
        kb.add_entity("org:" + oid, "ORGANIZATION", "international_organization",
                      display, prov, attrs)
        add_org_names(kb, "org:" + oid, sid, name)
        for extra, kind in ORG_EXTRA_NAMES.get(oid, []):
            kb.add_alias("org:" + oid, extra, kind)
    for sid, target in sorted(ORG_MERGES.items()):
        if sid in orgs and target in ids:
            add_org_names(kb, ids[target], sid, orgs[sid][0])
    for oid, name, extras, attr in HAND_ORGS:
        eid = "org:" + oid
        if eid in kb.entities:
            continue
        kb.add_entity(eid, "ORGANIZATION", "international_organization", name,
                      "dossier:tools/kb_build.py", [attr])
        for extra, kind in extras:
            kb.add_alias(eid, extra, kind)
    return ids


def add_org_names(kb, eid, sid, name):
    kb.add_alias(eid, name, "name")
    for variant in spelling_variants(name):
        kb.add_alias(eid, variant, "spelling")
    acronym = sid.replace(" ", "")
    if re.fullmatch(r"[A-Z0-9-]+", acronym) and "_" not in acronym:
        if len(acronym) > 2 or acronym in SHORT_ACRONYMS_KEPT:
            kb.add_alias(eid, acronym, "acronym")
        m = re.fullmatch(r"G-(\d+)", acronym)
        if m:
            kb.add_alias(eid, "G" + m.group(1), "acronym")
    if sid == "UN_SECURITY_COUNCIL":
        kb.add_alias(eid, "UNSC", "acronym")


# ---------------------------------------------------------------------------
# PETRARCH2 actor dictionaries.
# ---------------------------------------------------------------------------

class ActorGroup:
    """One actor of a PETRARCH2 .actors file: its phrases and its codes.

    PETRARCH2 reads an actor as a run of phrases (root lines and "+" synonym
    lines) followed by its codes: either inline after the root phrase
    ("CHINA_ [CHN]") or on indented lines ("\t[CHNGOV 930327-030315]"). A root
    phrase that has no code of its own joins the actor that follows it, which
    is how the files list several spellings of one person on root lines.
    """

    def __init__(self, line):
        self.line = line
        self.phrases = []   # (phrase, comment)
        self.segments = []  # phrases split at root lines: [[root, +syn...]]
        self.codes = []     # raw "[...]" contents
        self.inline = False  # a code on a root line ("CHINA_ [CHN]")

    def has_codes(self):
        return bool(self.codes)


def usable_phrase(phrase):
    return not re.search(r"[\x00-\x1f\x7f\ufffd]", phrase)


def parse_actor_file(path):
    groups = []
    current = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            body, _, comment = line.partition("#")
            codes = re.findall(r"\[([^\]]*)\]", body)
            phrase = re.sub(r"\[[^\]]*\]", " ", body).strip()
            if line[0] in "\t " and not phrase.startswith("+"):
                if current is not None:
                    current.codes.extend(codes)
                continue
            if not usable_phrase(phrase):  # encoding slips ("STRASK\x1aY")
                phrase = "+" if phrase.startswith("+") else ""
            if phrase.startswith("+"):
                if current is not None and phrase[1:].strip():
                    current.phrases.append((phrase[1:].strip(), ""))
                    if current.segments:
                        current.segments[-1].append(phrase[1:].strip())
                    current.codes.extend(codes)
                continue
            if current is None or current.has_codes():
                current = ActorGroup(lineno)
                groups.append(current)
            if phrase:
                current.phrases.append((phrase, comment.strip()))
                current.segments.append([phrase])
            current.codes.extend(codes)
            current.inline = current.inline or bool(codes)
    return groups


def normalize_phrase(phrase):
    """"DMITRI_A_.MEDVEDEV_" -> ["DMITRI", "A.", "MEDVEDEV"]."""
    p = re.sub(r"\([^)]*(\)|$)", "", phrase)    # "(ACTING)", "(1ST_TIME"
    p = re.sub(r'"[^"]*"', "", p)                 # quoted nicknames
    p = p.replace("`", "'")
    p = p.strip().upper().replace(" ", "_")
    p = p.replace("_.", "._")
    return [t for t in p.split("_") if t]


def proper_token(tok, first, last, korean):
    """Proper case for one upper-case token of a person's name or title."""
    if re.fullmatch(r"(?:[A-Z]\.)+", tok):          # "V.", "R.K."
        return tok
    if tok in TITLE_ACRONYMS:
        return tok
    if not first and tok in REGNAL_NUMBERS:  # "Elizabeth II"
        return tok
    if re.fullmatch(r"(?:[A-Z]\.){2,}[A-Z]?", tok):
        return tok
    if tok in NAME_PARTICLES and not first and not last:
        return tok.lower()
    if tok in SMALL_WORDS and not first:
        return tok.lower()
    m = re.match(r"^(AL|EL)-(.+)$", tok)
    if m and not first:
        return m.group(1).lower() + "-" + proper_token(m.group(2), True, last,
                                                        korean)
    if "-" in tok:
        parts = tok.split("-")
        out = [proper_token(parts[0], True, False, korean)]
        for part in parts[1:]:
            piece = proper_token(part, True, False, korean)
            lower = (korean and tok not in TITLE_WORDS) or \
                parts[0] in HYPHEN_PREFIXES
            out.append(piece.lower() if lower else piece)
        return "-".join(out)
    if "'" in tok:
        parts = tok.split("'")
        out = [proper_token(parts[0], True, False, korean) if parts[0] else ""]
        for prev, part in zip(parts, parts[1:]):
            if (len(prev) == 1 and prev in "ODL") or not prev:
                out.append(proper_token(part, True, False, korean))
            else:
                out.append(part.lower())
        return "'".join(out)
    if len(tok) > 3 and tok.startswith("MC") and tok[2] != "H" and \
            tok[2] not in "AEIOUY":
        return "Mc" + tok[2] + tok[3:].lower()
    if not tok[:1].isalpha():
        return tok.lower()
    return tok[:1].upper() + tok[1:].lower()


def proper_case(tokens, korean=False):
    n = len(tokens)
    if n == 1 and re.fullmatch(r"[B-DF-HJ-NP-TV-XZ]{3,4}", tokens[0]):
        return tokens[0]  # "JFK", "FDR": initials used as a name
    return " ".join(proper_token(t, i == 0, i == n - 1, korean)
                    for i, t in enumerate(tokens))


def parse_date(text):
    """PETRARCH2 date -> "YYYY-MM-DD" (or "YYYY-MM", or "" if unusable).

    PETRARCH2 (like KEDS and TABARI before it) reads six-digit dates as YYMMDD
    with YY 00-29 meaning 20YY and 30-99 meaning 19YY, and eight-digit dates as
    YYYYMMDD. The files also contain a few typing slips (a digit too many or
    too few); those are repaired when only one reading gives a real date.
    """
    def valid(y, m, d):
        return 1 <= m <= 12 and 1 <= d <= 31 and 1800 <= y <= 2100

    def read(s):
        if len(s) == 6:
            yy, m, d = int(s[:2]), int(s[2:4]), int(s[4:6])
            y = 2000 + yy if yy < 30 else 1900 + yy
        elif len(s) == 8:
            y, m, d = int(s[:4]), int(s[4:6]), int(s[6:8])
        else:
            return None
        if valid(y, m, d):
            return "%04d-%02d-%02d" % (y, m, d)
        if 1 <= m <= 12 and d == 0 and 1800 <= y <= 2100:
            return "%04d-%02d" % (y, m)
        return None

    text = text.strip()
    if not text.isdigit():
        return None
    if len(text) in (6, 8):
        return read(text)
    if len(text) == 7 and text[:2] in ("19", "20"):
        return None  # "2004017": YYYY plus three digits, no single reading
    windows = (text[:6], text[-6:]) if len(text) < 8 else (text[:8], text[-8:])
    readings = set()
    for s in windows:
        r = read(s)
        if r:
            readings.add(r)
    return readings.pop() if len(readings) == 1 else None


def parse_role(raw):
    """"CHNGOV 930327-030315" -> ("CHNGOV", start, end); None if unusable."""
    raw = raw.strip()
    m = re.match(r"^([A-Z]+)\s*(.*)$", raw)
    if not m:
        return None
    code, rest = m.group(1), m.group(2).strip()
    rest = re.sub(r"\s+", "", rest)
    start = end = ""
    if not rest:
        pass
    elif rest.startswith(">"):
        start = parse_date(rest[1:])
        if start is None:
            return None
    elif rest.startswith("<"):
        end = parse_date(rest[1:])
        if end is None:
            return None
    elif "-" in rest:
        a, _, b = rest.partition("-")
        start, end = parse_date(a), parse_date(b)
        if start is None or end is None:
            return None
    else:
        start = parse_date(rest)  # a bare date: in force from then on
        if start is None:
            return None
    return code, start, end


def role_label(code, names_by_iso3):
    if len(code) % 3 != 0:
        return code
    chunks = [code[i:i + 3] for i in range(0, len(code), 3)]
    parts = []
    for i, chunk in enumerate(chunks):
        if i == 0 and chunk in names_by_iso3:
            parts.append(names_by_iso3[chunk])
        elif i == 0 and chunk in CAMEO_EXTRA_COUNTRIES:
            parts.append(CAMEO_EXTRA_COUNTRIES[chunk])
        elif chunk in CAMEO_SECTORS:
            parts.append(CAMEO_SECTORS[chunk])
        elif chunk in names_by_iso3:
            parts.append(names_by_iso3[chunk])
        elif chunk in CAMEO_EXTRA_COUNTRIES:
            parts.append(CAMEO_EXTRA_COUNTRIES[chunk])
        else:
            parts.append(chunk)
    return ", ".join(parts)


def is_country_code(code, names_by_iso3):
    """True for codes of a state or territory, not of a person's role."""
    if len(code) % 3 != 0 or not code:
        return False
    chunks = [code[i:i + 3] for i in range(0, len(code), 3)]
    territorial = set(names_by_iso3) | {"UNR", "OCC", "AUT"} | \
        set(CAMEO_EXTRA_COUNTRIES)
    return all(c in territorial for c in chunks)


def is_title_token(tok, demonym_words):
    tok = tok.rstrip(",")
    if tok in TITLE_WORDS or tok in demonym_words or tok in TITLE_ACRONYMS or \
            tok in DOTTED_TITLE_ACRONYMS:
        return True
    return "-" in tok and any(p in TITLE_WORDS for p in tok.split("-"))


def has_title(tokens, name_tokens, demonym_words):
    """True if the tokens not in the person's name include a title word."""
    return any(is_title_token(t, demonym_words) or t in SMALL_WORDS
               for t in tokens if t not in name_tokens)


def looks_like_person(tokens):
    if len(tokens) < 2:
        return False
    if tokens[0] in ("THE", "A", "AN"):
        return False
    for t in tokens:
        base = t.rstrip(",").strip("'")
        if base in INSTITUTION_WORDS or base in GROUP_NAME_WORDS:
            return False
        if "AL-" + base in GROUP_NAME_WORDS:
            return False
        if not re.fullmatch(r"[A-Z\u00C0-\u024F\u0130'.\-]+", base):
            return False
    return True


def strip_titles(tokens, demonym_words):
    """"RUSSIAN_PRESIDENT_VLADIMIR_PUTIN" -> ["VLADIMIR", "PUTIN"]."""
    i = 0
    while i < len(tokens) and (is_title_token(tokens[i], demonym_words) or
                               tokens[i] in SMALL_WORDS):
        i += 1
    return tokens[i:]


def choose_canonical(group_phrases, demonym_words):
    """The person's name: the first phrase that, without leading titles, has
    two words or more and no office word left in it ("PRESIDENT_BORIS_YELTSIN"
    gives "Boris Yeltsin"). Roots marked as coming from CountryInfo.txt (the
    leaders list) are tried first; if none fits, the first of them as is."""
    ordered = [p for p, c in group_phrases if "countryinfo" in c.lower()] + \
        [p for p, _ in group_phrases]
    for phrase in ordered:
        toks = strip_titles(normalize_phrase(phrase), demonym_words)
        if len(toks) >= 2 and not any(t in OFFICE_WORDS for t in toks):
            return toks
    return normalize_phrase(ordered[0]) if ordered else []


class Person:
    def __init__(self, tokens, provenance, line):
        self.tokens = tokens
        self.provenance = provenance
        self.line = line
        self.aliases = {}   # proper text -> kind
        self.roles = set()  # (code, start, end)

    def country(self, states):
        """The state of most of the person's roles (ISO 3166 alpha-3)."""
        counts = collections.Counter()
        order = {}
        for code, _, _ in sorted(self.roles):
            cc = CAMEO_TO_ENTITY_COUNTRY.get(code[:3], code[:3])
            if cc not in states:
                continue
            counts[cc] += 1
            order.setdefault(cc, len(order))
        if not counts:
            return ""
        return sorted(counts, key=lambda c: (-counts[c], order[c]))[0]


def collect_people(path, provenance, names_by_iso3, demonym_words,
                   require_dates, allow_inline):
    """People of one PETRARCH2 actors file, as Person objects."""
    people = []
    for g in parse_actor_file(path):
        if not g.phrases:
            continue
        roles = []
        null_coded = False
        for raw in g.codes:
            raw = raw.strip()
            if raw.startswith("---") or not raw:
                null_coded = True
                continue
            parsed = parse_role(raw)
            if parsed:
                roles.append(parsed)
        if not roles:
            continue
        if any(is_country_code(code, names_by_iso3) for code, _, _ in roles):
            continue  # a country, territory or former state
        if g.inline and not allow_inline:
            continue  # in the Countries file, only places have inline codes
        if any(code[:3] in CAMEO_FICTIONAL for code, _, _ in roles):
            continue
        from_ci = any("countryinfo" in c.lower() for _, c in g.phrases)
        dated = any(s or e for _, s, e in roles)
        canonical = choose_canonical(g.phrases, demonym_words)
        if not canonical:
            continue
        if from_ci:
            if any(t in COLLECTIVE_WORDS for t in canonical):
                continue  # "ISLAMIC_REVOLUTIONARY_COUNCIL_": a collective
        else:
            # Not from the leaders list: the root phrase itself must be a
            # person's name (the roots of institutions and armed groups list
            # their leaders among the synonyms).
            root = normalize_phrase(g.phrases[0][0])
            if "_".join(root) in NOT_PEOPLE:
                continue
            if require_dates and not dated:
                continue
            root_name = strip_titles(root, demonym_words)
            if not looks_like_person(root_name) or \
                    any(t in SMALL_WORDS for t in root_name):
                continue
            if not looks_like_person(canonical):
                continue
            if any("," in p or "(" in p or ")" in p for p, _ in g.phrases[:1]):
                continue
            if null_coded and not dated:
                continue
        if not from_ci and re.fullmatch(r"[A-Z]\.?", canonical[0]) and \
                len(canonical) == 2:
            continue  # "K._ANNAN_": an initial, a duplicate of a full name
        if len(canonical) == 1 and canonical[0] not in MONONYMS:
            continue  # mostly slips such as "PATPARRIS_" for Pat Parris
        if any(t in OFFICE_WORDS for t in canonical):
            continue  # "FOREIGN_MINISTER_ABDULLAH": no name to go by
        person = Person(canonical, provenance, g.line)
        # Korean given names are written "Ki-moon", not "Ki-Moon".
        korean = any(raw.strip()[:3] in ("KOR", "PRK") for raw in g.codes)
        person.korean = korean
        name_tokens = set(canonical)
        for phrase, _ in g.phrases:
            toks = normalize_phrase(phrase)
            if not toks:
                continue
            if toks[-1] in NON_PERSON_TAIL_WORDS:
                continue
            if any(not re.search(r"[A-Z\u00C0-\u024F]", t) for t in toks):
                continue
            if toks[0] == "THE":
                toks = toks[1:]
                if not toks:
                    continue
            kind = "title_name" if has_title(toks, name_tokens,
                                             demonym_words) else "name"
            text = proper_case(toks, korean)
            if kind == "name" and len(toks) == 1 and len(toks[0]) < 3:
                continue
            person.aliases.setdefault(text, kind)
        for code, start, end in roles:
            person.roles.add((code, start, end))
        people.append(person)
    return people


def add_people(kb, people_lists, names_by_iso3):
    """Adds person:<slug> entities, merging entries of one person.

    PETRARCH2 lists some people twice in one country, under several countries
    (Elizabeth II under each realm) or again in the International file (Ban
    Ki-moon). Entries with the same slug are merged when they share their
    main country, or when there is only one other entry and either the name is
    distinctive (three words or more, or a regnal number) or the entry comes
    from the International file. Entries with the same slug that stay apart
    (two "Mohammed Ali" of different countries) all get person:<slug>-<iso3>.
    """
    states = set(names_by_iso3)
    clusters = collections.OrderedDict()  # slug -> [(country, Person)]
    for people in people_lists:
        for p in people:
            p.name = proper_case(p.tokens, getattr(p, "korean", False))
            p.slug = slugify(p.name)
            if not p.slug:
                continue
            country = p.country(states)
            same_slug = clusters.setdefault(p.slug, [])
            target = next((q for c, q in same_slug if c == country), None)
            distinctive = len(p.tokens) >= 3 or p.tokens[-1] in REGNAL_NUMBERS
            international = p.provenance.endswith("International.actors.txt")
            if target is None and len(same_slug) == 1 and (distinctive or
                                                          international):
                target = same_slug[0][1]
            if target is None:
                same_slug.append((country, p))
                continue
            for text, kind in p.aliases.items():
                target.aliases.setdefault(text, kind)
            target.roles |= p.roles
    for slug, same_slug in sorted(clusters.items()):
        for country, p in same_slug:
            if len(same_slug) > 1:
                eid = "person:%s-%s" % (slug, (country or "x").lower())
            else:
                eid = "person:" + slug
            main_country = p.country(states)
            attrs = ["country=" + main_country] if main_country else []
            kb.add_entity(eid, "PERSON", "person", p.name,
                          "petrarch2:" + os.path.basename(p.provenance), attrs)
            for text, kind in sorted(p.aliases.items()):
                kb.add_alias(eid, text, kind)
            for code, start, end in sorted(p.roles):
                kb.add_role(eid, code, role_label(code, names_by_iso3), start,
                            end)


def add_country_spellings(kb, path, refs_by_iso3, codes_by_iso3):
    """Spelling variants of country names from PETRARCH2 country entries.

    The country entries also list cities, provinces and nicknames ("KABUL_",
    "THE_GRAVEYARD_OF_EMPIRES_"); only phrases close to a name the country
    already has are kept: nearly the same letters ("Tadzhikistan"), or a known
    name plus words such as "Republic of" ("Tajik Republic").
    """
    for g in parse_actor_file(path):
        iso3 = None
        for raw in g.codes:
            parts = raw.split()
            if not parts or len(parts[0]) != 3 or parts[0] not in refs_by_iso3:
                continue
            if len(parts) == 1 or parts[1].startswith(">"):  # in force now
                iso3 = parts[0]
                break
        if not iso3:
            continue
        eid = "country:" + iso3
        refs = refs_by_iso3[iso3]
        ref_words = [tuple(fold_ascii(a).upper().replace("'", "").split())
                     for a in kb.aliases[eid] if is_latin(a)]
        codes = {match_key(c) for c in codes_by_iso3.get(iso3, set())}
        for phrase, _ in g.phrases:
            toks = normalize_phrase(phrase)
            if toks and toks[0] == "THE":
                toks = toks[1:]
            if not toks or any("(" in t or "," in t for t in toks):
                continue
            key = match_key("".join(toks))
            if key in codes:
                if len(toks) == 1 and re.fullmatch(r"(?:[A-Z]\.)+", toks[0]):
                    kb.add_alias(eid, toks[0], "acronym")  # "U.S.", "U.S.A."
                continue  # "US_", "USA_": a code already present
            if len(key) < 4:
                continue
            words = tuple(fold_ascii(t).replace("'", "") for t in toks)
            close = key in refs or any(
                similar_spelling(key, r) for r in refs) or any(
                contains_with_state_words(words, rw) for rw in ref_words)
            if not close:
                continue
            kb.add_alias(eid, proper_case(toks), "spelling")


def similar_spelling(key, ref):
    """"tadzhikistan" ~ "tajikistan", but not "zhongshan" ~ "zhonghua"."""
    if key[:1] != ref[:1]:
        return False
    ratio = difflib.SequenceMatcher(None, key, ref).ratio()
    return ratio >= 0.9 or (ratio >= 0.8 and key[-3:] == ref[-3:])


def contains_with_state_words(words, ref):
    """True if words = ref plus only words such as "Republic", "of"."""
    n = len(ref)
    if n == 0 or n >= len(words):
        return False
    for i in range(len(words) - n + 1):
        if words[i:i + n] == ref:
            rest = words[:i] + words[i + n:]
            return all(w in STATE_WORDS for w in rest)
    return False


def add_org_aliases_from_petrarch(kb, path):
    """Adds PETRARCH2 synonyms of organisations whose name or acronym matches.

    Only a root phrase that names one of our organisations, and the "+"
    synonyms listed right under it, are used: other root phrases of the same
    PETRARCH2 actor may name its officials ("UN_SECRETARY_GENERAL").
    """
    by_key = {}
    for eid in sorted(e for e in kb.entities if e.startswith("org:")):
        for alias, kind in kb.aliases[eid].items():
            if kind in ("name", "acronym"):
                by_key.setdefault(match_key(alias), set()).add(eid)

    def tokens_of(phrase):
        toks = normalize_phrase(phrase)
        if toks and toks[0] == "THE":
            toks = toks[1:]
        return toks

    for g in parse_actor_file(path):
        codes = [c.strip() for c in g.codes]
        if not codes or not all(c.startswith("IGO") for c in codes):
            continue
        if any(re.search(r"\d", c) for c in codes):
            continue  # dated codes: a person
        for segment in g.segments:
            targets = by_key.get(match_key("".join(tokens_of(segment[0]))),
                                 set())
            if len(targets) != 1:
                continue
            eid = next(iter(targets))
            for phrase in segment:
                toks = tokens_of(phrase)
                if not toks or any(t in ORG_OFFICIAL_WORDS for t in toks):
                    continue
                if "".join(toks) in ORG_ALIAS_EXCLUDED:
                    continue
                if by_key.get(match_key("".join(toks)), {eid}) != {eid}:
                    continue
                if len(toks) == 1 and re.fullmatch(r"[A-Z.]+", toks[0]):
                    text = toks[0]
                    if len(match_key(text)) <= 2 and \
                            match_key(text).upper() not in SHORT_ACRONYMS_KEPT:
                        continue
                    kind = "acronym"
                else:
                    text = " ".join(proper_token(t, i == 0, False, False)
                                    for i, t in enumerate(toks))
                    kind = "spelling"
                kb.add_alias(eid, text, kind)


# ---------------------------------------------------------------------------
# Output.
# ---------------------------------------------------------------------------

def check_field(value, where):
    if "\t" in value or "\n" in value or "\r" in value:
        raise ValueError("field with a tab or newline in %s: %r" % (where,
                                                                    value))
    return value


def write_tsv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for row in rows:
            f.write("\t".join(check_field(v, path) for v in row) + "\n")


def write_kb(kb, out):
    os.makedirs(out, exist_ok=True)
    entity_rows = []
    for eid in sorted(kb.entities):
        e = kb.entities[eid]
        entity_rows.append([eid, e["type"], e["kind"], e["name"],
                            e["provenance"], ";".join(e["attrs"])])
    alias_rows = []
    for eid in sorted(kb.aliases):
        for alias in sorted(kb.aliases[eid]):
            alias_rows.append([eid, alias, kb.aliases[eid][alias]])
    role_rows = []
    for eid in sorted(kb.roles):
        for code, label, start, end in sorted(
                kb.roles[eid], key=lambda r: (r[2], r[3], r[0], r[1])):
            role_rows.append([eid, code, label, start, end])
    files = [
        ("entities.tsv", ["id", "type", "kind", "name", "provenance",
                          "attributes"], entity_rows),
        ("aliases.tsv", ["entity_id", "alias", "alias_kind"], alias_rows),
        ("roles.tsv", ["entity_id", "code", "label", "start", "end"],
         role_rows),
    ]
    digest = hashlib.sha256()
    for name, header, rows in files:
        path = os.path.join(out, name)
        write_tsv(path, header, rows)
        with open(path, "rb") as f:
            data = f.read()
        digest.update(name.encode() + b"\0" + data + b"\0")
    with open(os.path.join(out, "VERSION"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write(digest.hexdigest() + "\n")
    kinds = collections.Counter(r[2] for r in entity_rows)
    alias_kinds = collections.Counter(r[2] for r in alias_rows)
    with open(os.path.join(out, "STATS"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write("entities\t%d\n" % len(entity_rows))
        for kind in sorted(kinds):
            f.write("entities.%s\t%d\n" % (kind, kinds[kind]))
        f.write("aliases\t%d\n" % len(alias_rows))
        for kind in sorted(alias_kinds):
            f.write("aliases.%s\t%d\n" % (kind, alias_kinds[kind]))
        f.write("roles\t%d\n" % len(role_rows))
    return len(entity_rows), len(alias_rows), len(role_rows)


def copy_license(src, out):
    """Ships the ODbL text with the database, as ODbL 4.2 b asks."""
    with open(os.path.join(src, "countries", "LICENSE"), "rb") as f:
        text = f.read()
    with open(os.path.join(out, "LICENSE.ODbL-1.0"), "wb") as f:
        f.write(text)


def build(src, out):
    kb = Kb()
    countries, iso1 = load_countries(src)
    names_by_iso3, refs_by_iso3, codes_by_iso3, capital_ids = \
        build_countries(kb, src, countries, iso1)
    area_by_iso3 = {c["cca3"]: float(c.get("area") or 0) for c in countries}
    build_subdivisions(kb, src, iso1, capital_ids, area_by_iso3)
    build_orgs(kb, src)
    for slug, name, adjectives in HAND_REGIONS:
        eid = "place:" + slug
        if eid in kb.entities:
            continue
        kb.add_entity(eid, "LOCATION", "region", name, "dossier:tools/kb_build.py", [])
        kb.add_alias(eid, name, "name")
        for adjective in adjectives:
            kb.add_alias(eid, adjective, "adjective" if adjective.endswith(("an", "ic")) else "name")

    dicts = os.path.join(src, "petrarch2", "dictionaries")
    countries_actors = os.path.join(dicts, "Phoenix.Countries.actors.txt")
    intl_actors = os.path.join(dicts, "Phoenix.International.actors.txt")
    add_country_spellings(kb, countries_actors, refs_by_iso3, codes_by_iso3)
    add_org_aliases_from_petrarch(kb, intl_actors)
    for eid, extras in sorted(EXTRA_ALIASES.items()):
        if eid not in kb.entities:
            raise SystemExit(f"EXTRA_ALIASES names {eid}, which the sources no longer give")
        for alias, kind in extras:
            kb.add_alias(eid, alias, kind)

    demonym_words = set()
    for eid, aliases in kb.aliases.items():
        if eid.startswith("country:"):
            for alias, kind in aliases.items():
                if kind == "demonym" and " " not in alias:
                    demonym_words.add(fold_ascii(alias).upper())
    demonym_words |= {"US", "U.S.", "AMERICAN", "BRITISH", "SOVIET", "UN",
                      "U.N.", "EX-SOVIET", "IRANIAN", "ISRAELI", "AFGHAN"}
    people_c = collect_people(countries_actors, countries_actors,
                              names_by_iso3, demonym_words,
                              require_dates=False, allow_inline=False)
    people_i = collect_people(intl_actors, intl_actors, names_by_iso3,
                              demonym_words, require_dates=True,
                              allow_inline=True)
    add_people(kb, [people_c, people_i], names_by_iso3)
    counts = write_kb(kb, out)
    copy_license(src, out)
    return counts


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", default=os.path.join(
        repo, "..", "shared", "data", "kb-sources"),
        help="kb-sources directory (default: ../shared/data/kb-sources "
             "relative to the repository root)")
    parser.add_argument("--out", default=os.path.join(repo, "data", "kb"),
                        help="output directory (default: data/kb)")
    args = parser.parse_args(argv)
    src = os.path.normpath(args.sources)
    if not os.path.isdir(src):
        print("kb_build: no sources directory %s (pass --sources)" % src,
              file=sys.stderr)
        return 2
    n_ent, n_alias, n_roles = build(src, os.path.normpath(args.out))
    print("kb_build: %d entities, %d aliases, %d roles -> %s" %
          (n_ent, n_alias, n_roles, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
