"""The pure flag rules: label, thresholds, and whether the election concerns the ASN."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.config import Settings
from monitor.flagging.rules import (
    AsnPlace,
    ElectionPlace,
    FlagRules,
    ScoreView,
    decide,
    election_concerns,
    parse_region,
)

RULES = FlagRules(operating_threshold=0.5, untargeted_threshold=None, deadline_days=7)
ASN = AsnPlace(region="Kota Harapan Jaya", province="Jawa Barat")
ELECTIONS = {
    "pilpres": ElectionPlace("pilpres", "presiden", "Indonesia"),
    "pilwalkot-hj": ElectionPlace("pilwalkot-hj", "walikota", "Kota Harapan Jaya", "Jawa Barat"),
    "pilbup-hj": ElectionPlace("pilbup-hj", "bupati", "Kabupaten Harapan Jaya", "Jawa Barat"),
    "pilgub-jabar": ElectionPlace("pilgub-jabar", "gubernur", "Jawa Barat"),
    "pilgub-jatim": ElectionPlace("pilgub-jatim", "gubernur", "Jawa Timur"),
    "pilwalkot-medan": ElectionPlace("pilwalkot-medan", "walikota", "Kota Medan", "Sumatera Utara"),
}


def score(label: str = "dukungan", p: float = 0.9, target: str | None = "pilwalkot-hj") -> ScoreView:
    rest = (1 - p) / 2
    probabilities = {"netral": rest, "dukungan": rest, "serangan": rest} | {label: p}
    return ScoreView(label=label, probabilities=probabilities, target_election_id=target)


def test_parse_region_normalises_case_spacing_and_prefix() -> None:
    assert parse_region("  KOTA  Harapan   Jaya ").name == "harapan jaya"
    assert parse_region("Kota Harapan Jaya").kind == "kota"
    assert parse_region("Kab. Bandung").kind == "kabupaten"
    assert parse_region("Provinsi Jawa Barat") == parse_region("provinsi jawa barat")
    assert parse_region(None).name == ""


@pytest.mark.parametrize(
    ("election_id", "expected"),
    [
        ("pilpres", True),  # national: concerns every ASN
        ("pilwalkot-hj", True),  # their own city
        ("pilbup-hj", False),  # the regency of the same name is another place
        ("pilgub-jabar", True),  # their province
        ("pilgub-jatim", False),
        ("pilwalkot-medan", False),
    ],
)
def test_election_concerns_by_level_and_place(election_id: str, expected: bool) -> None:
    assert election_concerns(ELECTIONS[election_id], ASN) is expected


def test_bare_name_matches_either_kind_but_provinces_must_agree() -> None:
    bare = AsnPlace(region="harapan jaya", province="JAWA BARAT")
    assert election_concerns(ELECTIONS["pilwalkot-hj"], bare)
    elsewhere = AsnPlace(region="Kota Harapan Jaya", province="Banten")
    assert not election_concerns(ELECTIONS["pilwalkot-hj"], elsewhere)


def test_provincial_legislature_concerns_the_province() -> None:
    dprd = ElectionPlace("dprd-jabar", "legislatif", "Provinsi Jawa Barat")
    assert election_concerns(dprd, ASN)
    assert not election_concerns(dprd, AsnPlace(region="Kota Surabaya", province="Jawa Timur"))


def test_support_for_own_city_candidate_above_threshold_flags() -> None:
    decision = decide(score("dukungan", 0.9), ASN, ELECTIONS, RULES)
    assert decision.flag and decision.election_id == "pilwalkot-hj"
    assert decision.probability == pytest.approx(0.9)


def test_attack_flags_too() -> None:
    assert decide(score("serangan", 0.7, "pilpres"), ASN, ELECTIONS, RULES).flag


def test_neutral_never_flags_however_confident() -> None:
    decision = decide(score("netral", 0.99), ASN, ELECTIONS, RULES)
    assert not decision.flag and "not partisan" in decision.reason


def test_probability_must_be_strictly_above_operating_threshold() -> None:
    assert not decide(score("dukungan", 0.5), ASN, ELECTIONS, RULES).flag
    assert decide(score("dukungan", 0.51), ASN, ELECTIONS, RULES).flag


def test_an_election_elsewhere_flags_too_because_the_ban_holds_for_every_election() -> None:
    # the demo's Sri Wahyuni post: dukungan 0.996 for a candidate in another region opened no case
    decision = decide(score("dukungan", 0.99, "pilwalkot-medan"), ASN, ELECTIONS, RULES)
    assert decision.flag and decision.election_id == "pilwalkot-medan" and "elsewhere" in decision.reason
    assert decision.in_asn_region is False
    assert decide(score("dukungan", 0.99, "pilwalkot-hj"), ASN, ELECTIONS, RULES).in_asn_region is True


def test_without_an_operating_threshold_the_models_label_decides() -> None:
    rules = FlagRules(operating_threshold=None, untargeted_threshold=None, deadline_days=7)
    assert decide(score("dukungan", 0.4, "pilpres"), ASN, ELECTIONS, rules).flag
    assert not decide(score("netral", 0.99, "pilpres"), ASN, ELECTIONS, rules).flag


def test_untargeted_partisan_posts_flag_by_the_models_label() -> None:
    # most coded posts name no registered candidate: a role, a colour, a nickname; the model's label decides
    flagged = decide(score("dukungan", 0.6, None), ASN, ELECTIONS, RULES)
    assert flagged.flag and flagged.election_id is None and flagged.in_asn_region is None
    # A target the registry does not know counts as unresolved.
    assert decide(score("dukungan", 0.6, "unknown-election"), ASN, ELECTIONS, RULES).flag


def test_an_agency_may_still_ask_more_of_untargeted_posts() -> None:
    rules = FlagRules(operating_threshold=0.5, untargeted_threshold=0.85, deadline_days=7)
    assert not decide(score("dukungan", 0.8, None), ASN, ELECTIONS, rules).flag
    assert decide(score("dukungan", 0.9, None), ASN, ELECTIONS, rules).flag


def test_rules_come_from_settings_and_deadline_is_seven_days() -> None:
    rules = FlagRules.from_settings(Settings(_env_file=None))
    assert rules.deadline_days == 7 and rules.untargeted_threshold is None
    detected = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)
    assert rules.deadline(detected) == datetime(2024, 11, 27, 3, 0, tzinfo=UTC)
    custom = FlagRules.from_settings(
        Settings(_env_file=None, case_deadline_days=3, flagging={"untargeted_threshold": 0.95})
    )
    assert custom.deadline_days == 3 and custom.untargeted_threshold == 0.95
