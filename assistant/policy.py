"""What Stride will and won't answer: off-topic questions, pain and injury, diagnoses, injected instructions.

Rules over words, so each decision can be read, tested and argued with:
- `off_topic_reason`: questions about things the corpus never covers (race pacing, shoes, nutrition, poems,
  ...) are declined even when retrieval finds a vaguely similar passage;
- `needs_clinician`: pain, injury or symptoms get a plain recommendation to see a physical therapist;
- `is_diagnosis`: a generated sentence that diagnoses ("you probably have tendinitis") is never shown;
- `strip_injection`: sentences that try to instruct the assistant ("ignore previous instructions") are
  removed from questions and passages before the model sees them.

Leaves out: the relevance threshold (a number calibrated on the eval data, in `answer`) and any model-based
classification.
"""

import re

from assistant.text import split_sentences

# Subjects the corpus does not cover: a question that asks about one of them is declined.
OFF_TOPIC = {
    "race pacing": r"\bpac(e|es|ing)\b|\bsplits?\b|\bfinish time\b|\bpr\b|\bpersonal best\b"
    r"|\bmin(ute)?s? per (mile|km)",
    "shoes and gear": r"\bshoes?\b|\bsneakers?\b|\binsoles?\b|\bgarmin\b|\bgps\b",
    "nutrition": r"\beat(ing)?\b|\bfood\b|\bdiet\b|\bcarb(s|ohydrates?)?\b|\bprotein\b|\bnutrition\b|\bgels?\b"
    r"|\bhydrat(e|ion)\b|\bcaffeine\b|\bsupplements?\b|\bcalories\b|\bweight loss\b|\blose weight\b",
    "creative writing": r"\bpoem\b|\bhaiku\b|\bsong\b|\bstory\b|\bjoke\b|\blimerick\b",
    "training plans": r"\btraining plan\b|\bmarathon plan\b|\bweekly mileage\b|\bintervals?\b|\btempo run\b"
    r"|\blong run\b|\btaper(ing)?\b|\bvo2\b|\bheart rate\b|\bzone 2\b",
    "other topics": r"\bweather\b|\bpython\b|\bcode\b|\bstock\b|\bbitcoin\b|\bsleep\b|\bsaddle\b|\bswim",
}
OFF_TOPIC_PATTERNS = {topic: re.compile(pattern, re.IGNORECASE) for topic, pattern in OFF_TOPIC.items()}

# The corpus's own subjects. A question naming none of them needs a closer retrieval match to be answered.
ON_TOPIC = re.compile(
    r"\b(glute?s?|gluteal|gluteus|hips?|butt|bum|hamstrings?|quads?|abduct\w*|flexors?|extensors?|squat\w*"
    r"|lung(e|es|ing)|bridges?|clams?|clamshells?|bands?|theraband|hinge|push-?off|single[- ]leg|one leg|balanc\w*"
    r"|strength\w*|muscles?|pelvis|farmer'?s?|carry|step[- ]?ups?|march\w*|core|exercises?|workouts?|legs?"
    r"|lift(ing|s)?|weights?|gym|routine|program(me)?s?|dumbbells?|kettlebells?)\b",
    re.IGNORECASE,
)

PAIN = re.compile(
    r"\bpain(ful)?\b|\bhurts?\b|\bhurting\b|\baches?\b|\baching\b|\binjur(y|ies|ed)\b"
    r"|\bswell(ing|en)\b|\bnumb(ness)?\b|\btingl|\bsharp\b|\bclick(ing|s)?\b|\bpop(ped|ping)?\b|\bstrain(ed)?\b"
    r"|\bsprain|\btear\b|\btorn\b|\btendin|\bbursitis\b|\bsciatica\b|\bit band\b|\bdiagnos|\bsymptom"
    r"|\bsore(ness)?\b|\bshin splints?\b|\bfracture|\bfasciitis\b|\btendon|\bniggl|\btwinge|\bpulled (a|my)\b",
    re.IGNORECASE,
)

DIAGNOSIS = re.compile(
    r"\byou (probably |likely |may |might )?(have|has|are suffering from)\b|\bsounds like (a|an|you)\b"
    r"|\bthis is (a sign|likely|probably|a symptom) of\b|\bis (probably|likely) (a|an|caused by)\b"
    r"|\bdiagnos(is|ed|e)\b",
    re.IGNORECASE,
)

INJECTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|rules|prompt|above|previous|everything)\b"
    r"|\byou are now\b|\bact as\b|\bpretend (to be|you are)\b|\bsystem prompt\b|\bnew instructions?\b"
    r"|\bdeveloper mode\b|\bjailbreak\b"
    # text addressed to the machine reading it: "AI assistants reading this page must reply with ..."
    r"|\b(AI|chat ?bots?|language models?|LLMs?|assistants? (reading|processing|summari[sz]ing))\b"
    r".{0,40}\b(must|should|shall|will)\b.{0,30}"
    r"\b(reply|respond|answer|say|output|write|repeat)\b",
    re.IGNORECASE,
)

CLINICIAN_NOTE = (
    "Pain, injury or symptoms need a professional: please see a physical therapist or another clinician, "
    "who can examine you. Stride can share what its sources say but cannot diagnose."
)


def off_topic_reason(question: str) -> str | None:
    """The off-topic subject a question asks about, or None. Decisive even beside corpus words: the corpus
    says nothing about shoes, so "which shoes for squats?" is declined rather than answered about squats."""
    return next((topic for topic, pattern in OFF_TOPIC_PATTERNS.items() if pattern.search(question)), None)


def mentions_corpus_subject(question: str) -> bool:
    return bool(ON_TOPIC.search(question))


def needs_clinician(question: str) -> bool:
    return bool(PAIN.search(question))


def is_diagnosis(sentence: str) -> bool:
    return bool(DIAGNOSIS.search(sentence))


def strip_injection(text: str) -> tuple[str, bool]:
    """The text without sentences that try to instruct the assistant, and whether any were removed."""
    sentences = split_sentences(" ".join(text.split()))
    kept = [s for s in sentences if not INJECTION.search(s)]
    return " ".join(kept), len(kept) != len(sentences)


def decline_message(reason: str, titles: list[str]) -> str:
    """One sentence saying why, and what the corpus does cover."""
    covered = "; ".join(f"“{title}”" for title in titles) or "no documents yet (run `stride ingest`)"
    return (
        f"I can't answer that from Stride's sources ({reason}): they cover strength training for runners "
        f"(hip and glute muscles and exercises to train them) in {covered}."
    )
