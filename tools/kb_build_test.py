#!/usr/bin/env python3
"""Tests of tools/kb_build.py and of the committed data/kb/.

Run from the repository root: python3 -m unittest tools/kb_build_test.py
The rebuild test needs the sources (../shared/data/kb-sources, or the
directory in DOSSIER_KB_SOURCES) and is skipped without them.
"""

import hashlib
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kb_build  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KB = os.path.join(REPO, "data", "kb")
SOURCES = os.environ.get("DOSSIER_KB_SOURCES", os.path.join(
    REPO, "..", "shared", "data", "kb-sources"))


def read_tsv(name):
    with open(os.path.join(KB, name), encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[-1] == "", name + " must end with a newline"
    return [line.split("\t") for line in lines[:-1]]


class DateTest(unittest.TestCase):
    def test_two_digit_years(self):
        self.assertEqual(kb_build.parse_date("930327"), "1993-03-27")
        self.assertEqual(kb_build.parse_date("030315"), "2003-03-15")
        self.assertEqual(kb_build.parse_date("291231"), "2029-12-31")
        self.assertEqual(kb_build.parse_date("310101"), "1931-01-01")

    def test_eight_digits_and_slips(self):
        self.assertEqual(kb_build.parse_date("19270101"), "1927-01-01")
        self.assertEqual(kb_build.parse_date("201005011"), "2010-05-01")
        self.assertIsNone(kb_build.parse_date("1920030320"))  # two readings
        self.assertEqual(kb_build.parse_date("9008223"), "1990-08-22")
        self.assertIsNone(kb_build.parse_date("2004017"))
        self.assertIsNone(kb_build.parse_date("991399"))
        self.assertIsNone(kb_build.parse_date("abc"))

    def test_role_forms(self):
        self.assertEqual(kb_build.parse_role("CHNGOV 930327-030315"),
                         ("CHNGOV", "1993-03-27", "2003-03-15"))
        self.assertEqual(kb_build.parse_role("RUSGOV >080508"),
                         ("RUSGOV", "2008-05-08", ""))
        self.assertEqual(kb_build.parse_role("EGYGOV > 140608"),
                         ("EGYGOV", "2014-06-08", ""))
        self.assertEqual(kb_build.parse_role("USRTJK <910909"),
                         ("USRTJK", "", "1991-09-09"))
        self.assertEqual(kb_build.parse_role("RUSELI"), ("RUSELI", "", ""))
        self.assertEqual(kb_build.parse_role("MNEGOV 20121204"),
                         ("MNEGOV", "2012-12-04", ""))
        self.assertIsNone(kb_build.parse_role("KORGOV 2004017-20061201"))


class NameTest(unittest.TestCase):
    def case(self, phrase, korean=False):
        return kb_build.proper_case(kb_build.normalize_phrase(phrase), korean)

    def test_proper_case(self):
        self.assertEqual(self.case("JIANG_ZEMIN_"), "Jiang Zemin")
        self.assertEqual(self.case("RUSSIAN_PRESIDENT_VLADIMIR_V._PUTIN"),
                         "Russian President Vladimir V. Putin")
        self.assertEqual(self.case("JOHN_MCCAIN"), "John McCain")
        self.assertEqual(self.case("THOMAS_P._O'NEILL"), "Thomas P. O'Neill")
        self.assertEqual(self.case("BASHAR_AL-ASSAD"), "Bashar al-Assad")
        self.assertEqual(self.case("CHARLES_DE_GAULLE"), "Charles de Gaulle")
        self.assertEqual(self.case("ELIZABETH_II"), "Elizabeth II")
        self.assertEqual(self.case("XI_JINPING"), "Xi Jinping")
        self.assertEqual(self.case("DMITRI_A_.MEDVEDEV_"), "Dmitri A. Medvedev")
        self.assertEqual(self.case("BAN_KI-MOON", korean=True), "Ban Ki-moon")
        self.assertEqual(self.case("NIKOLAY_TODOROV_(ACTING"),
                         "Nikolay Todorov")

    def test_slug(self):
        self.assertEqual(kb_build.slugify("People's Republic of China"),
                         "peoples-republic-of-china")
        self.assertEqual(kb_build.slugify("Ekmeleddin İhsanoğlu"),
                         "ekmeleddin-ihsanoglu")
        self.assertEqual(kb_build.slugify("Vladimir V. Putin"),
                         "vladimir-v-putin")


class ActorFileTest(unittest.TestCase):
    SAMPLE = (
        "# comment\n"
        "RUSSIA_  [RUS]\n"
        "+RUSSIAN_\n"
        "BORIS_YELTSIN_  # CountryInfo.txt\n"
        "PRESIDENT_BORIS_YELTSIN\n"
        "RUSSIAN_PRESIDENT_YELTSIN\n"
        "\t[RUSELI 490101-910710]\n"
        "\t[RUSGOV 910710-991231]\n"
        "VLADIMIR_PUTIN_  # CountryInfo.txt\n"
        "+PUTIN_\n"
        "+PRESIDENT_PUTIN_\n"
        "+PUTIN_ADMINISTRATION\n"
        "\t[RUSGOV >080508]\n"
        "\t[RUSELI]\n"
        "STATE_DUMA\n"
        "\t[RUSLEG]\n"
        "KREMLIN_GUARD_UNIT\n"
        "\t[RUSMIL]\n"
    )

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "sample.actors.txt")
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(self.SAMPLE)

    def tearDown(self):
        self.dir.cleanup()

    def test_codeless_roots_join_the_next_actor(self):
        groups = kb_build.parse_actor_file(self.path)
        self.assertEqual([g.phrases[0][0] for g in groups],
                         ["RUSSIA_", "BORIS_YELTSIN_", "VLADIMIR_PUTIN_",
                          "STATE_DUMA", "KREMLIN_GUARD_UNIT"])
        self.assertEqual(len(groups[1].phrases), 3)
        self.assertTrue(groups[0].inline)

    def test_people(self):
        names = {"RUS": "Russia"}
        people = kb_build.collect_people(
            self.path, self.path, names, {"RUSSIAN"}, require_dates=False,
            allow_inline=False)
        by_name = {kb_build.proper_case(p.tokens): p for p in people}
        self.assertEqual(sorted(by_name), ["Boris Yeltsin", "Vladimir Putin"])
        putin = by_name["Vladimir Putin"]
        self.assertEqual(putin.aliases, {
            "Vladimir Putin": "name", "Putin": "name",
            "President Putin": "title_name"})
        self.assertEqual(putin.roles, {("RUSGOV", "2008-05-08", ""),
                                       ("RUSELI", "", "")})
        yeltsin = by_name["Boris Yeltsin"]
        self.assertEqual(yeltsin.aliases["Russian President Yeltsin"],
                         "title_name")

    def test_role_label(self):
        names = {"CHN": "China", "RUS": "Russia"}
        self.assertEqual(kb_build.role_label("CHNGOVMIL", names),
                         "China, government, military")
        self.assertEqual(kb_build.role_label("IGOUNO", names),
                         "intergovernmental organization, United Nations")


@unittest.skipUnless(os.path.isdir(KB), "no data/kb")
class CommittedKbTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.entities = read_tsv("entities.tsv")
        cls.aliases = read_tsv("aliases.tsv")
        cls.roles = read_tsv("roles.tsv")

    def test_format(self):
        for rows, header in ((self.entities, ["id", "type", "kind", "name",
                                              "provenance", "attributes"]),
                             (self.aliases, ["entity_id", "alias",
                                             "alias_kind"]),
                             (self.roles, ["entity_id", "code", "label",
                                           "start", "end"])):
            self.assertEqual(rows[0], header)
            for row in rows[1:]:
                self.assertEqual(len(row), len(header), row)
        self.assertEqual(self.entities[1:], sorted(self.entities[1:]))
        self.assertEqual(self.aliases[1:], sorted(self.aliases[1:]))
        # Roles: by entity, then chronologically (start, end, code).
        self.assertEqual(self.roles[1:], sorted(
            self.roles[1:], key=lambda r: (r[0], r[3], r[4], r[1], r[2])))
        ids = [r[0] for r in self.entities[1:]]
        self.assertEqual(len(ids), len(set(ids)))
        known = set(ids)
        self.assertTrue(all(r[0] in known for r in self.aliases[1:]))
        self.assertTrue(all(r[0] in known for r in self.roles[1:]))
        kinds = {r[2] for r in self.aliases[1:]}
        self.assertLessEqual(kinds, {"name", "acronym", "demonym", "adjective",
                                     "code", "title_name", "spelling"})

    def test_version_is_the_hash_of_the_files(self):
        digest = hashlib.sha256()
        for name in ("entities.tsv", "aliases.tsv", "roles.tsv"):
            with open(os.path.join(KB, name), "rb") as f:
                digest.update(name.encode() + b"\0" + f.read() + b"\0")
        with open(os.path.join(KB, "VERSION"), encoding="utf-8") as f:
            self.assertEqual(f.read(), digest.hexdigest() + "\n")

    def test_expected_entities(self):
        aliases = {}
        for eid, alias, kind in self.aliases[1:]:
            aliases.setdefault(alias, set()).add((eid, kind))
        self.assertIn(("person:jiang-zemin", "name"), aliases["Jiang Zemin"])
        self.assertIn(("person:vladimir-putin", "title_name"),
                      aliases["President Putin"])
        self.assertEqual(aliases["Sino"], {("country:CHN", "adjective")})
        self.assertEqual(aliases["Russian"], {("country:RUS", "demonym")})
        self.assertEqual(aliases["SCO"], {("org:SCO", "acronym")})
        self.assertIn(("org:UNSC", "name"), aliases["UN Security Council"])
        self.assertIn(("country:TJK", "spelling"), aliases["Tadzhikistan"])
        self.assertEqual(aliases["Central Asian"],
                         {("place:central-asia", "adjective")})
        roles = {(r[0], r[1], r[3], r[4]) for r in self.roles[1:]}
        self.assertIn(("person:jiang-zemin", "CHNGOV", "1993-03-27",
                       "2003-03-15"), roles)
        self.assertIn(("person:vladimir-putin", "RUSELI", "1970-01-01",
                       "1999-08-09"), roles)


@unittest.skipUnless(os.path.isdir(SOURCES) and os.path.isdir(KB),
                     "no kb-sources")
class RebuildTest(unittest.TestCase):
    def test_rebuild_gives_the_committed_files(self):
        with tempfile.TemporaryDirectory() as out:
            kb_build.build(SOURCES, out)
            for name in ("entities.tsv", "aliases.tsv", "roles.tsv",
                         "VERSION", "STATS"):
                with open(os.path.join(out, name), "rb") as a, \
                        open(os.path.join(KB, name), "rb") as b:
                    self.assertTrue(a.read() == b.read(),
                                    name + " differs: rerun tools/kb_build.py")


if __name__ == "__main__":
    unittest.main()
