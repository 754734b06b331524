"""The one token estimate errs high: checked against OpenAI's cl100k_base and o200k_base
encodings, counted offline with the `gpt-tokenizer` 4.0.0 npm package (its vocabularies ship
inside it) on 2026-12-08; the counts are written here so the test needs no tokenizer."""

from __future__ import annotations

import pytest

from parley.ai import AIProvider, CallFacts, ChatMessage, Usage
from parley.ai.token_estimates import charged, estimate_prompt, estimate_tokens

LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. "

# (text, cl100k tokens, o200k tokens)
MEASURED = {
    "english": (
        "The quick brown fox jumps over the lazy dog. Deployments run every Tuesday after the"
        " quarterly budget review, unless the staging cluster is still failing its health"
        " checks.",
        32,
        32,
    ),
    "punctuated": ("Hello, world!", 4, 4),
    "code": (
        "def fit(messages, system, budget):\n    remaining = budget - estimate_tokens(system)\n"
        "    for message in reversed(messages):\n        if cost > remaining:\n"
        "            break\n    return kept\n",
        37,
        37,
    ),
    "digits": (
        "Invoice 2026-12-08: 1234567890 units at 0.000123 each, total 98765.4321; ref #A1B2C3D4.",
        42,
        42,
    ),
    "chinese": (
        # Full-width punctuation, as Chinese is written.
        "你好，世界！今天我们讨论一下季度预算和部署计划。这个问题比较复杂，需要仔细考虑。",  # noqa: RUF001
        47,
        23,
    ),
    "japanese": (
        "こんにちは、世界。今日は四半期の予算とデプロイ計画について話し合いましょう。",
        38,
        25,
    ),
    "korean": ("안녕하세요, 세계. 오늘은 분기 예산과 배포 계획에 대해 이야기합시다.", 40, 22),
    "hindi": ("नमस्ते दुनिया। आज हम तिमाही बजट और परिनियोजन योजना पर चर्चा करेंगे।", 71, 23),
    "thai": ("สวัสดีชาวโลก วันนี้เราจะคุยกันเรื่องงบประมาณรายไตรมาส", 51, 23),
    "arabic": ("مرحبا بالعالم. اليوم سنناقش ميزانية الربع وخطة النشر.", 39, 18),
    "russian": ("Привет, мир! Сегодня обсудим квартальный бюджет и план развёртывания.", 37, 19),
    "emoji": (
        "👍🤖🎉🚀😀👨\u200d👩\u200d👧\u200d👦🏳️\u200d🌈❤️\u200d🔥",
        49,
        28,
    ),
    "emoji in text": ("Great job 🎉🎉 see you tomorrow 👋 — thanks!!! 🙏", 19, 16),
    "base64": (
        "U29tZSBiYXNlNjQgZGF0YSB0aGF0IGxvb2tzIHJhbmRvbSBhbmQgaXMgaGFyZCB0byB0b2tlbml6ZQ==",
        58,
        52,
    ),
    "single letters": ("a b c d e f g h i j k l m n o p q r s t u v w x y z", 26, 26),
    "punctuation runs": (
        "!!! ??? ... ;;; ::: --- +++ === ### @@@ $$$ %%% ^^^ &&& *** ((( ))) [[[ ]]]",
        25,
        27,
    ),
    "32,000 x": ("x" * 32_000, 4_000, 4_000),
    "32,000 characters of lorem ipsum": ((LOREM * 400)[:32_000], 6_001, 6_001),
}


@pytest.mark.parametrize("name", MEASURED)
def test_the_estimate_is_at_least_what_openais_tokenizers_count(name: str) -> None:
    text, cl100k, o200k = MEASURED[name]
    estimate = estimate_tokens(text)
    assert estimate >= max(cl100k, o200k)
    # High, not absurd: under three times the count (a byte a token would be up to 8x).
    assert estimate < 3 * max(cl100k, o200k)


def test_random_lower_case_letters_are_the_known_exception() -> None:
    # cl100k and o200k: 31 tokens. The estimate is about 0.85 of it (documented).
    text = "qzxv kwjp ftgh mnbv lkjh poiu ytre wqaz sxdc vfrt bgty hnuj mkio"
    assert 0.8 * 31 <= estimate_tokens(text) < 31


def test_a_prompt_counts_the_system_prompt_and_every_message_with_its_framing() -> None:
    messages = [ChatMessage("user", "hello"), ChatMessage("assistant", "Hi")]
    assert estimate_prompt("Be brief.", messages) == (
        estimate_tokens("Be brief.") + estimate_tokens("hello") + 4 + estimate_tokens("Hi") + 4
    )


def _facts(**values: object) -> CallFacts:
    base: dict[str, object] = {
        "provider": AIProvider.OPENAI,
        "model": "gpt-test",
        "usage": None,
        "finish_reason": None,
        "latency_ms": 10,
        "ttft_ms": 5,
        "attempts": 1,
    }
    return CallFacts(**{**base, **values})  # type: ignore[arg-type]


def test_the_providers_count_wins_over_any_estimate() -> None:
    facts = _facts(usage=Usage(3, 4))
    assert charged(facts, system="s", messages=[], streamed="x" * 100, max_output_tokens=9) is facts


def test_an_uncounted_call_is_charged_the_prompt_and_the_text_streamed_capped() -> None:
    messages = [ChatMessage("user", "x" * 32_000)]
    facts = charged(
        _facts(), system="Be brief.", messages=messages, streamed="y" * 30, max_output_tokens=5
    )
    assert facts.usage == Usage(estimate_prompt("Be brief.", messages), 5)
    assert facts.usage_estimated


def test_a_call_never_made_or_refused_before_any_text_is_not_charged() -> None:
    never = _facts(attempts=0, ttft_ms=None)
    assert charged(never, system="s", messages=[], streamed="", max_output_tokens=9).usage is None
    refused = _facts(ttft_ms=None)
    kept = charged(refused, system="s", messages=[], streamed="", max_output_tokens=9, refused=True)
    assert kept.usage is None
    assert not kept.usage_estimated
    # Refused after text had streamed (an error mid-stream): the provider billed it.
    late = charged(
        _facts(), system="s", messages=[], streamed="abc", max_output_tokens=9, refused=True
    )
    assert late.usage_estimated
