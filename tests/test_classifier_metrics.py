"""Calibration, evaluation arithmetic, the SKB suggestion and the keyword baseline."""

from __future__ import annotations

import numpy as np

from classifiers.forward import length_batches
from classifiers.metrics import classification_report, expected_calibration_error, fit_temperature, softmax
from classifiers.skb import cues, suggest_category
from classifiers.training.evaluation import keyword_baseline


def test_temperature_recovers_an_overconfident_model() -> None:
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 3)) * 2
    probs = softmax(true_logits)
    labels = [int(rng.choice(3, p=p)) for p in probs]
    t = fit_temperature(true_logits * 3.0, labels)  # a model 3x too sharp
    assert 2.6 < t < 3.4
    before = expected_calibration_error(softmax(true_logits * 3.0), labels)
    after = expected_calibration_error(softmax(true_logits * 3.0, t), labels)
    assert after < before / 2


def test_ece_is_zero_when_confidence_matches_accuracy() -> None:
    probs = np.array([[0.75, 0.25, 0.0]] * 4)
    assert expected_calibration_error(probs, [0, 0, 0, 1]) < 1e-9
    assert abs(expected_calibration_error(probs, [1, 1, 1, 1]) - 0.75) < 1e-9


def test_classification_report_by_hand() -> None:
    gold = ["netral", "netral", "dukungan", "serangan", "dukungan"]
    pred = ["netral", "dukungan", "dukungan", "serangan", "netral"]
    r = classification_report(gold, pred)
    assert r["per_class"]["dukungan"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert r["confusion"]["netral"]["dukungan"] == 1
    assert r["accuracy"] == 0.6
    assert r["flag_precision"] == 2 / 3 and r["flag_recall"] == 2 / 3
    assert abs(r["macro_f1"] - (0.5 + 0.5 + 1.0) / 3) < 1e-9


def test_flag_threshold_uses_side_probability() -> None:
    probs = np.array([[0.55, 0.25, 0.20], [0.9, 0.05, 0.05]])
    r = classification_report(["dukungan", "netral"], ["netral", "netral"], probs, threshold=0.4)
    assert r["flag_precision"] == 1.0 and r["flag_recall"] == 1.0


def test_skb_suggestions() -> None:
    assert suggest_category("post", "netral", cues("coblos 2")) is None
    assert suggest_category("post", "dukungan", cues("Ayo coblos nomor 2")) == "ajakan_memilih"
    assert suggest_category("post", "dukungan", cues("otw kampanye akbar")) == "hadir_kampanye"
    assert suggest_category("repost", "dukungan", cues("mantap sekali beliau")) == "membagikan_konten"
    assert suggest_category("post", "dukungan", cues("salam dua jari ✌️")) == "atribut_kampanye"
    assert suggest_category("reply", "dukungan", cues("beliau memang hebat")) == "komentar_dukungan"
    assert suggest_category("post", "serangan", cues("dia korup")) == "kampanye_hitam"
    assert suggest_category("post", "serangan", cues("jangan pilih dia")) == "ajakan_memilih"


def test_keyword_baseline() -> None:
    assert keyword_baseline(["jangan pilih dia", "coblos 2 ya", "makan siang dulu"]) == [
        "serangan",
        "dukungan",
        "netral",
    ]


def test_length_batches_cover_every_index_once() -> None:
    lengths = [5, 1, 9, 3, 7, 2, 8]
    batches = length_batches(lengths, 3)
    assert sorted(i for b in batches for i in b) == list(range(7))
    assert [lengths[i] for i in batches[0]] == [1, 2, 3]


def test_threshold_is_chosen_recall_first() -> None:
    from classifiers.training.run import choose_threshold

    # P(side) of 10 partisan posts (gold 1/2) and 5 netral ones (gold 0)
    side = np.array([0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.1, 0.55, 0.45, 0.2, 0.1, 0.05])
    probs = np.stack([1 - side, side, np.zeros_like(side)], axis=1)
    gold = [1] * 10 + [0] * 5
    # recall >= 0.9 needs 9 of 10 partisan posts: the highest such threshold is the 9th score, 0.3
    assert choose_threshold(probs, gold) == 0.3
    assert choose_threshold(probs, gold, min_recall=0.5) == 0.7
    assert choose_threshold(probs, [0] * 15) == 0.5  # no partisan post to recall: the neutral midpoint


def test_flag_auc_ranks_partisan_over_neutral() -> None:
    from classifiers.metrics import flag_auc

    truth = np.array([True, True, False, False])
    assert flag_auc(truth, np.array([0.9, 0.8, 0.2, 0.1])) == 1.0
    assert flag_auc(truth, np.array([0.1, 0.2, 0.8, 0.9])) == 0.0
    assert flag_auc(truth, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5
    assert flag_auc(np.array([True, True]), np.array([0.1, 0.2])) is None
