#!/usr/bin/env python3
"""Writes bench/generator_actors.inc, the people, countries, cities and
organisations the article generator draws from, out of the shipped knowledge
base (data/kb, ODbL 1.0: see data/kb/LICENSE.ODbL-1.0 and NOTICE).

Every name written resolves to exactly one knowledge-base entity, and every
person has a government role in the knowledge base during the years the
generator may use them, so the event coder can give them an actor code such
as CHNGOV. The first people are a hand-picked list with their titles (the
most frequent in the corpus); the rest are drawn from the knowledge base's
government roles, a few per country, without titles.

Usage: bench/make_actor_table.py [KB_DIR]   (default data/kb; run from the repo root)
"""
import collections
import csv
import os
import sys

FIRST_YEAR, LAST_YEAR = 1998, 2023

# Hand-picked people, most prominent first: (name as written, group, roles).
# group is an ISO3 country code, or UN / EU / NATO for officials of those.
# roles: "YEAR-YEAR Title" separated by ";" (titles are plain descriptions of
# the office, used as "<Adjective> <Title> <Name>").
CURATED = [
    ("Vladimir Putin", "RUS", "1999-1999 Prime Minister;2000-2007 President;2008-2011 Prime Minister;2012-2023 President"),
    ("Jiang Zemin", "CHN", "1998-2002 President"),
    ("George W. Bush", "USA", "2001-2008 President"),
    ("Xi Jinping", "CHN", "2008-2012 Vice President;2013-2023 President"),
    ("Hu Jintao", "CHN", "1998-2002 Vice President;2003-2012 President"),
    ("Barack Obama", "USA", "2009-2016 President"),
    ("Kofi Annan", "UN", "1998-2006 Secretary-General"),
    ("Sergei Lavrov", "RUS", "2004-2023 Foreign Minister"),
    ("Angela Merkel", "DEU", "2005-2021 Chancellor"),
    ("Tony Blair", "GBR", "1998-2006 Prime Minister"),
    ("Nursultan Nazarbayev", "KAZ", "1998-2018 President"),
    ("Jacques Chirac", "FRA", "1998-2006 President"),
    ("Zhu Rongji", "CHN", "1998-2002 Premier"),
    ("Wen Jiabao", "CHN", "2003-2012 Premier"),
    ("Dmitry Medvedev", "RUS", "2008-2011 President;2012-2019 Prime Minister"),
    ("Bill Clinton", "USA", "1998-2000 President"),
    ("Igor Ivanov", "RUS", "1998-2003 Foreign Minister"),
    ("Tang Jiaxuan", "CHN", "1998-2002 Foreign Minister"),
    ("Gerhard Schroeder", "DEU", "1998-2005 Chancellor"),
    ("Colin Powell", "USA", "2001-2004 Secretary of State"),
    ("Islam Karimov", "UZB", "1998-2015 President"),
    ("Atal Bihari Vajpayee", "IND", "1998-2003 Prime Minister"),
    ("Manmohan Singh", "IND", "2004-2013 Prime Minister"),
    ("Li Keqiang", "CHN", "2013-2022 Premier"),
    ("Recep Tayyip Erdogan", "TUR", "2003-2013 Prime Minister;2014-2023 President"),
    ("Ban Ki-moon", "UN", "2007-2016 Secretary-General"),
    ("Condoleezza Rice", "USA", "2001-2004 National Security Adviser;2005-2008 Secretary of State"),
    ("Hillary Clinton", "USA", "2009-2012 Secretary of State"),
    ("Joe Biden", "USA", "2009-2016 Vice President;2021-2023 President"),
    ("Narendra Modi", "IND", "2014-2023 Prime Minister"),
    ("Junichiro Koizumi", "JPN", "2001-2005 Prime Minister"),
    ("Shinzo Abe", "JPN", "2006-2006 Prime Minister;2012-2019 Prime Minister"),
    ("Nicolas Sarkozy", "FRA", "2007-2011 President"),
    ("Li Zhaoxing", "CHN", "2003-2006 Foreign Minister"),
    ("Yang Jiechi", "CHN", "2007-2012 Foreign Minister"),
    ("Boris Yeltsin", "RUS", "1998-1999 President"),
    ("Mikhail Kasyanov", "RUS", "2000-2003 Prime Minister"),
    ("Madeleine Albright", "USA", "1998-2000 Secretary of State"),
    ("John Kerry", "USA", "2013-2016 Secretary of State"),
    ("Joschka Fischer", "DEU", "1998-2005 Foreign Minister"),
    ("Olaf Scholz", "DEU", "2021-2023 Chancellor"),
    ("Lionel Jospin", "FRA", "1998-2001 Prime Minister"),
    ("Hubert Vedrine", "FRA", "1998-2001 Foreign Minister"),
    ("Dominique de Villepin", "FRA", "2002-2003 Foreign Minister;2005-2006 Prime Minister"),
    ("Francois Hollande", "FRA", "2012-2016 President"),
    ("Jack Straw", "GBR", "2001-2005 Foreign Secretary"),
    ("Gordon Brown", "GBR", "2007-2009 Prime Minister"),
    ("David Cameron", "GBR", "2010-2015 Prime Minister"),
    ("Theresa May", "GBR", "2016-2018 Prime Minister"),
    ("Yasuo Fukuda", "JPN", "2007-2007 Prime Minister"),
    ("Taro Aso", "JPN", "2008-2008 Prime Minister"),
    ("Yukio Hatoyama", "JPN", "2009-2009 Prime Minister"),
    ("Naoto Kan", "JPN", "2010-2010 Prime Minister"),
    ("Yoshihiko Noda", "JPN", "2011-2011 Prime Minister"),
    ("Fumio Kishida", "JPN", "2021-2023 Prime Minister"),
    ("Askar Akayev", "KGZ", "1998-2004 President"),
    ("Kurmanbek Bakiyev", "KGZ", "2005-2009 President"),
    ("Emomali Rahmon", "TJK", "1998-2023 President"),
    ("Saparmurat Niyazov", "TKM", "1998-2005 President"),
    ("Gurbanguly Berdimuhamedow", "TKM", "2007-2021 President"),
    ("Shavkat Mirziyoyev", "UZB", "2016-2023 President"),
    ("Leonid Kuchma", "UKR", "1998-2004 President"),
    ("Viktor Yushchenko", "UKR", "2005-2009 President"),
    ("Viktor Yanukovych", "UKR", "2010-2013 President"),
    ("Petro Poroshenko", "UKR", "2014-2018 President"),
    ("Eduard Shevardnadze", "GEO", "1998-2002 President"),
    ("Mikheil Saakashvili", "GEO", "2004-2012 President"),
    ("Heydar Aliyev", "AZE", "1998-2002 President"),
    ("Ilham Aliyev", "AZE", "2003-2023 President"),
    ("Robert Kocharyan", "ARM", "1998-2007 President"),
    ("Fernando Henrique Cardoso", "BRA", "1998-2002 President"),
    ("Luiz Inacio Lula da Silva", "BRA", "2003-2010 President"),
    ("Dilma Rousseff", "BRA", "2011-2015 President"),
    ("Nelson Mandela", "ZAF", "1998-1998 President"),
    ("Thabo Mbeki", "ZAF", "1999-2007 President"),
    ("Jacob Zuma", "ZAF", "2009-2017 President"),
    ("Hosni Mubarak", "EGY", "1998-2010 President"),
    ("Abdel Fattah el-Sisi", "EGY", "2014-2023 President"),
    ("Benjamin Netanyahu", "ISR", "1998-1998 Prime Minister;2009-2020 Prime Minister"),
    ("Ehud Barak", "ISR", "1999-2000 Prime Minister"),
    ("Ariel Sharon", "ISR", "2001-2005 Prime Minister"),
    ("Ehud Olmert", "ISR", "2006-2008 Prime Minister"),
    ("Yasser Arafat", "PSE", "1998-2003 leader"),
    ("Mahmoud Abbas", "PSE", "2005-2023 President"),
    ("Mohammad Khatami", "IRN", "1998-2004 President"),
    ("Mahmoud Ahmadinejad", "IRN", "2005-2012 President"),
    ("Hassan Rouhani", "IRN", "2013-2020 President"),
    ("Pervez Musharraf", "PAK", "1999-2007 President"),
    ("Nawaz Sharif", "PAK", "1998-1998 Prime Minister;2013-2016 Prime Minister"),
    ("Asif Ali Zardari", "PAK", "2008-2012 President"),
    ("Imran Khan", "PAK", "2018-2021 Prime Minister"),
    ("Abdullah Gul", "TUR", "2003-2006 Foreign Minister;2007-2013 President"),
    ("Antonio Guterres", "UN", "2017-2023 Secretary-General"),
    ("Javier Solana", "EU", "1999-2008 foreign policy chief"),
    ("Romano Prodi", "ITA", "2006-2007 Prime Minister"),
    ("Jens Stoltenberg", "NATO", "2014-2023 Secretary-General"),
    ("Ursula von der Leyen", "EU", "2019-2023 Commission President"),
    ("Hugo Chavez", "VEN", "1999-2012 President"),
    ("Fidel Castro", "CUB", "1998-2007 President"),
    ("Raul Castro", "CUB", "2008-2017 President"),
    ("Megawati Sukarnoputri", "IDN", "2001-2003 President"),
    ("Susilo Bambang Yudhoyono", "IDN", "2004-2013 President"),
    ("Gloria Macapagal Arroyo", "PHL", "2001-2009 President"),
    ("Thaksin Shinawatra", "THA", "2001-2005 Prime Minister"),
    ("Goh Chok Tong", "SGP", "1998-2003 Prime Minister"),
    ("Lee Hsien Loong", "SGP", "2004-2023 Prime Minister"),
    ("Hamid Karzai", "AFG", "2002-2013 President"),
    ("Ashraf Ghani", "AFG", "2014-2020 President"),
    ("Saddam Hussein", "IRQ", "1998-2002 President"),
    ("Nouri al-Maliki", "IRQ", "2006-2013 Prime Minister"),
    ("Bashar al-Assad", "SYR", "2000-2023 President"),
    ("Muammar Gaddafi", "LBY", "1998-2010 leader"),
    ("Silvio Berlusconi", "ITA", "2001-2005 Prime Minister;2008-2010 Prime Minister"),
    ("Jose Maria Aznar", "ESP", "1998-2003 Prime Minister"),
    ("Jose Luis Rodriguez Zapatero", "ESP", "2004-2010 Prime Minister"),
    ("Aleksander Kwasniewski", "POL", "1998-2004 President"),
    ("Donald Tusk", "POL", "2007-2013 Prime Minister"),
    ("Viktor Orban", "HUN", "1998-2001 Prime Minister;2010-2023 Prime Minister"),
    ("Jean Chretien", "CAN", "1998-2002 Prime Minister"),
    ("Stephen Harper", "CAN", "2006-2014 Prime Minister"),
    ("John Howard", "AUS", "1998-2006 Prime Minister"),
    ("Kevin Rudd", "AUS", "2007-2009 Prime Minister"),
    ("Julia Gillard", "AUS", "2010-2012 Prime Minister"),
    ("Felipe Calderon", "MEX", "2006-2011 President"),
    ("Nestor Kirchner", "ARG", "2003-2006 President"),
    ("Cristina Fernandez de Kirchner", "ARG", "2007-2014 President"),
    ("Evo Morales", "BOL", "2006-2018 President"),
    ("Olusegun Obasanjo", "NGA", "1999-2006 President"),
    ("Robert Mugabe", "ZWE", "1998-2016 President"),
    ("Paul Kagame", "RWA", "2000-2023 President"),
    ("Yoweri Museveni", "UGA", "1998-2023 President"),
    ("Meles Zenawi", "ETH", "1998-2011 Prime Minister"),
    ("Abdelaziz Bouteflika", "DZA", "1999-2018 President"),
    ("Abdullah II", "JOR", "1999-2023 King"),
    ("Ali Abdullah Saleh", "YEM", "1998-2011 President"),
    ("Wim Kok", "NLD", "1998-2001 Prime Minister"),
    ("Jan Peter Balkenende", "NLD", "2002-2009 Prime Minister"),
    ("Guy Verhofstadt", "BEL", "1999-2007 Prime Minister"),
    ("Goran Persson", "SWE", "1998-2005 Prime Minister"),
    ("Paavo Lipponen", "FIN", "1998-2002 Prime Minister"),
    ("Tarja Halonen", "FIN", "2000-2011 President"),
    ("Vaclav Havel", "CZE", "1998-2002 President"),
]

# Adjectives for the groups above where the knowledge base's first demonym
# reads oddly, and for the organisations.
ADJECTIVES = {
    "USA": "US", "GBR": "British", "UN": "UN", "EU": "EU", "NATO": "NATO", "PSE": "Palestinian",
    "KAZ": "Kazakh", "UZB": "Uzbek", "KGZ": "Kyrgyz", "TJK": "Tajik", "TKM": "Turkmen", "AZE": "Azerbaijani",
    "PHL": "Philippine", "NLD": "Dutch", "CZE": "Czech", "ZAF": "South African", "KOR": "South Korean",
    "PRK": "North Korean",
}
# Short, usual names where the knowledge base's name is the long form.
COUNTRY_NAMES = {"USA": "the United States", "GBR": "Britain",
                 "KOR": "South Korea", "PRK": "North Korea", "CZE": "the Czech Republic",
                 "NLD": "the Netherlands", "PHL": "the Philippines", "ARE": "the United Arab Emirates"}
CAPITALS = {"USA": "Washington", "KAZ": "Astana", "IND": "New Delhi", "ZAF": "Pretoria", "BOL": "La Paz"}
# Places that are not capitals but host meetings.
EXTRA_CITIES = [("Shanghai", "CHN"), ("New York", "USA"), ("Saint Petersburg", "RUS"), ("Almaty", "KAZ"),
                ("Istanbul", "TUR")]
# Organisations: (name as written, short form).
ORGS = [
    ("the United Nations", "UN"), ("the European Union", "EU"), ("NATO", "NATO"),
    ("the Shanghai Cooperation Organization", "SCO"), ("ASEAN", "ASEAN"), ("the World Trade Organization", "WTO"),
    ("the International Atomic Energy Agency", "IAEA"), ("OPEC", "OPEC"), ("the African Union", "African Union"),
    ("the Arab League", "Arab League"), ("the OSCE", "OSCE"), ("the Commonwealth of Independent States", "CIS"),
    ("the International Monetary Fund", "IMF"), ("APEC", "APEC"),
    ("the Collective Security Treaty Organization", "CSTO"), ("ECOWAS", "ECOWAS"),
    ("the Gulf Cooperation Council", "GCC"), ("the Council of Europe", "Council of Europe"),
    ("the UN Security Council", "Security Council"),
]
TAIL_PER_COUNTRY = 4


def read(kb, name):
    with open(os.path.join(kb, name), encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main():
    kb = sys.argv[1] if len(sys.argv) > 1 else "data/kb"
    entities = {r["id"]: r for r in read(kb, "entities.tsv")}
    by_alias = collections.defaultdict(set)
    names_of = collections.defaultdict(list)
    for r in read(kb, "aliases.tsv"):
        by_alias[r["alias"]].add(r["entity_id"])
        names_of[r["entity_id"]].append((r["alias"], r["alias_kind"]))
    roles = collections.defaultdict(list)
    for r in read(kb, "roles.tsv"):
        roles[r["entity_id"]].append(r)

    def unique(name):
        ids = by_alias.get(name, set())
        return next(iter(ids)) if len(ids) == 1 else None

    def gov_years(entity_id):
        years = set()
        for r in roles[entity_id]:
            if "GOV" not in r["code"] and not r["code"].startswith("IGO"):
                continue
            if not r["start"]:
                continue
            start = int(r["start"][:4])
            end = int(r["end"][:4]) if r["end"] else LAST_YEAR
            years.update(range(max(start, FIRST_YEAR), min(end, LAST_YEAR) + 1))
        return years

    errors = []
    persons = []  # (id, name, group, roles)
    used = set()
    for name, group, role_text in CURATED:
        entity_id = unique(name)
        if not entity_id:
            errors.append(f"{name}: not exactly one entity in the knowledge base")
            continue
        # Keep each title only for the years the knowledge base has a
        # government role, so the coder can give the actor a code like CHNGOV.
        years = gov_years(entity_id)
        kept = []
        for part in role_text.split(";"):
            span, title = part.split(" ", 1)
            first, last = (int(y) for y in span.split("-"))
            covered = [y for y in range(first, last + 1) if y in years]
            if not covered:
                print(f"note: {name}: no government role in {span} in the knowledge base; dropped",
                      file=sys.stderr)
                continue
            kept.append(f"{min(covered)}-{max(covered)} {title}")
        if not kept:
            continue
        persons.append((entity_id, name, group, ";".join(kept)))
        used.add(entity_id)

    countries = {}
    for entity_id, r in entities.items():
        if r["kind"] != "country":
            continue
        iso3 = entity_id.split(":", 1)[1]
        attrs = dict(a.split("=", 1) for a in r["attributes"].split(";") if "=" in a)
        demonyms = sorted(a for a, k in names_of[entity_id] if k == "demonym" and unique(a) == entity_id)
        name = COUNTRY_NAMES.get(iso3, r["name"])
        # Names and capitals may be ambiguous ("Georgia", "La Paz"), as in
        # real text, but must at least name the country and a place.
        if entity_id not in by_alias.get(name.removeprefix("the "), set()):
            continue
        capital = CAPITALS.get(iso3, attrs.get("capital", ""))
        if not any(i.startswith("place:") for i in by_alias.get(capital, set())):
            continue
        adjective = ADJECTIVES.get(iso3) or (demonyms[0] if demonyms else "")
        if not adjective:
            continue
        countries[iso3] = (iso3, name, adjective, capital)

    # The tail: people with government roles in the years the generator
    # covers, a few per country, longest service first.
    groups = {g for _, _, g, _ in persons}
    tail = []
    for iso3 in sorted(countries):
        candidates = []
        for entity_id, r in entities.items():
            if r["kind"] != "person" or entity_id in used:
                continue
            attrs = dict(a.split("=", 1) for a in r["attributes"].split(";") if "=" in a)
            if attrs.get("country") != iso3:
                continue
            name = r["name"]
            if " " not in name or unique(name) != entity_id or not name.isascii():
                continue
            years = gov_years(entity_id)
            if len(years) < 3:
                continue
            candidates.append((-len(years), name, entity_id, min(years), max(years)))
        for _, name, entity_id, first, last in sorted(candidates)[:TAIL_PER_COUNTRY]:
            tail.append((entity_id, name, iso3, f"{first}-{last} "))
    # Interleave countries so that the tail's popularity is not ordered by
    # country name.
    tail.sort(key=lambda p: (hash_str(p[0]), p[0]))
    persons += tail

    for _, _, group, _ in persons:
        if group not in countries and group not in ("UN", "EU", "NATO"):
            errors.append(f"group {group} has no usable country row")
    cities = [(iso3, c[3]) for iso3, c in sorted(countries.items())]
    for city, iso3 in EXTRA_CITIES:
        if unique(city) and iso3 in countries:
            cities.append((iso3, city))
        else:
            errors.append(f"city {city}: not exactly one entity")
    orgs = []
    for name, short in ORGS:
        found = set()
        for form in (name.removeprefix("the "), short):
            ids = by_alias.get(form, set())
            if len(ids) != 1 or not next(iter(ids)).startswith("org:"):
                errors.append(f"organisation {form}: not exactly one organisation")
            found |= ids
        if len(found) != 1:
            errors.append(f"organisation {name}: its forms name different entities")
        else:
            orgs.append((next(iter(found)), name, short))
    if errors:
        for e in errors:
            print("error:", e, file=sys.stderr)
        sys.exit(1)

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generator_actors.inc")
    with open(out, "w", encoding="utf-8") as f:
        f.write("// Generated by bench/make_actor_table.py from data/kb (ODbL 1.0, see\n"
                "// data/kb/LICENSE.ODbL-1.0 and NOTICE). Do not edit; run the script.\n"
                "// Included by article_generator.cc only.\n\n")
        f.write("// {iso3, name, adjective, capital}\n")
        f.write("const CountryRow kCountryRows[] = {\n")
        for iso3, name, adjective, capital in countries.values():
            f.write(f'    {{"{iso3}", "{c(name)}", "{c(adjective)}", "{c(capital)}"}},\n')
        f.write("};\n\n// {country iso3, city}: capitals and a few other meeting places.\n")
        f.write("const CityRow kCityRows[] = {\n")
        for iso3, city in cities:
            f.write(f'    {{"{iso3}", "{c(city)}"}},\n')
        f.write("};\n\n// {entity id, name, group (iso3, UN, EU, NATO), roles \"YEAR-YEAR Title;...\"},\n"
                "// most prominent first; the tail has no titles.\n")
        f.write("const PersonRow kPersonRows[] = {\n")
        for entity_id, name, group, role_text in persons:
            f.write(f'    {{"{entity_id}", "{c(name)}", "{group}", "{c(role_text)}"}},\n')
        f.write("};\n\n// {entity id, name as written, short form}\n")
        f.write("const OrgRow kOrgRows[] = {\n")
        for entity_id, name, short in orgs:
            f.write(f'    {{"{entity_id}", "{c(name)}", "{c(short)}"}},\n')
        f.write("};\n")
    print(f"{out}: {len(countries)} countries, {len(cities)} cities, {len(persons)} people "
          f"({len(CURATED)} hand-picked), {len(ORGS)} organisations", file=sys.stderr)


def hash_str(s):
    h = 2166136261
    for ch in s.encode():
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h


def c(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


if __name__ == "__main__":
    main()
