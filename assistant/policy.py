"""What Stride never does, whatever the corpus: pain and injury, diagnoses, injected instructions, requests
that are not questions for its sources.

Rules over words, so each decision can be read, tested and argued with. They are generic: nothing here
names a subject of any corpus (what a corpus covers comes from its index: `scope`).
- `never_answers`: requests Stride does not take on from any corpus (a poem, code, medication advice); the
  answer stage declines them unless a passage matches the question strongly;
- `needs_clinician`: pain, injury or symptoms (pelvic ones too: leaking, heaviness, a bulge, doming) get a
  plain recommendation to see a physical therapist; an ache the day after training in no joint is soreness;
  `clinician_note` gives that note, or for a health condition the runner has (osteoporosis, pregnancy, a heart
  condition) one saying a clinician should weigh whether the training suits it;
- `is_diagnosis`: a generated sentence that diagnoses ("you probably have tendinitis") is never shown;
- `strip_injection`: sentences that try to instruct the assistant ("ignore previous instructions") are
  removed from questions and passages before the model sees them.

Leaves out: whether a question is inside the corpus (the answer stage decides that from the retrieval
evidence and the corpus's scope) and any model-based classification.
"""

import re

from assistant.text import split_sentences

# Requests Stride does not take on, from any corpus: (what, pattern).
NEVER = {
    "writing poems, songs, stories or jokes": r"\b(write|compose|make up|tell)\b.{0,30}\b(poems?|haikus?|songs?|lyrics"
    r"|stor(y|ies)|jokes?|limericks?|raps?)\b|\b(poem|haiku|limerick)\b",
    "writing code": r"\b(python|javascript|sql)\b|\bwrite\b.{0,30}\b(code|function|script)\b",
    "medication": r"\b(medications?|medicines?|ibuprofen|paracetamol|acetaminophen|naproxen|painkillers?|nsaids?"
    r"|steroids?|dosage|pills?)\b",
}
NEVER_PATTERNS = {what: re.compile(pattern, re.IGNORECASE) for what, pattern in NEVER.items()}

PAIN = re.compile(
    r"\bpain(ful)?\b|\bhurts?\b|\bhurting\b|\baches?\b|\baching\b|\bachy\b|\binjur(e|y|ies|ed|ing)\b"
    r"|\bswell(ing|en|ed|s)?\b|\bswollen\b|\b(gave|give|gives|giving) way\b|\bbuckl(e|ed|es|ing)\b"
    r"|\block(ed|ing|s) up\b|\btender(ness)?\b|\bsnap(ped|ping)?\b|\bbruis|\bthrobb|\bstabbing\b"
    r"|\bnumb(ness)?\b|\btingl|\bsharp\b|\bclick(ing|s)?\b|\bpop(ped|ping)?\b|\bstrain(ed)?\b"
    r"|\bsprain|\btear\b|\btorn\b|\btore\b|\btendin|\bbursitis\b|\bsciatica\b|\bit band\b|\bdiagnos|\bsymptom"
    r"|\bsore(ness)?\b|\bshin splints?\b|\bfracture|\bfasciitis\b|\bniggl|\btwinge|\bpulled (a|my)\b"
    # conditions runners name instead of the pain: "runner's knee", "jumper's knee", "... syndrome"
    r"|\b(runner|jumper)[’']?s knee\b|\bsyndrome\b|\bchondromalacia\b"
    # pelvic and abdominal symptoms, in the words runners use: "I leak when I run", "heavy and draggy down
    # below", "something falling out", "my tummy domes"
    r"|\bleak(s|ed|ing|age|y)?\b|\bincontinen|\bprolaps|\bbulg(e|es|ed|ing)\b|\bdrag(s|gy|ging)\b"
    r"|\b(falling|coming) (out|down)\b|\bdom(e|es|ed|ing)\b|\bconing\b|\bbleed(s|ing)?\b|\bdizz(y|iness)\b"
    r"|\bfaint(ed|ing)?\b|\bshort(ness)? of breath\b"
    # a fall the runner had ("had a fall on a trail run", "I fell over"), not falls to prevent
    r"|\b(?:had|have had|took) (?:a |another )?(?:bad |nasty )?fall\b|\bfell (?:over|off|down|on)\b",
    re.IGNORECASE,
)

# Pain the runner says is not there ("it doesn't hurt", "pain-free"): a click or a pop without it is no symptom.
NO_PAIN = re.compile(
    r"\b(?:does ?n[o’']?t|do ?n[o’']?t|did ?n[o’']?t|never|not|no|without)\s+(?:really\s+|any\s+|even\s+)?"
    r"(?:hurt|pain|painful|ache|sore)\w*|\bpain[- ]?free\b|\bpainless(?:ly)?\b",
    re.IGNORECASE,
)
NOISES = re.compile(r"(?:click|pop|crack)\w*", re.IGNORECASE)
# Injury named as what training should prevent ("does X reduce hamstring injuries?", "injury prevention") is
# no injury the runner has: it alone gets no clinician note.
PREVENTION = re.compile(
    r"\b(?:prevent\w*|reduc\w*|avoid\w*|lower\w*|cut|fewer|less)\s+(?:[\w’'-]+\s+){0,3}?injur(?:y|ies)\b"
    r"|\binjur(?:y|ies)[ -](?:prevention|risk|free|proof|resilien\w*)\b"
    r"|\b(?:prevent\w*|avoid\w*)\s+(?:getting\s+)?injured\b",
    re.IGNORECASE,
)
# Soreness in working muscles after training is what training does, not a symptom to examine: "my glutes are
# sore after my first strength session" gets what the sources say, without the clinician note. Soreness in a
# joint, tendon or bone, or alongside any other pain word, still gets it.
# An ache is soreness when it comes after training in no joint ("my tummy aches the day after my session"; a
# source says "a mild ache in your muscles for a day or two ... is normal").
SORENESS = re.compile(
    r"\bsore(ness)?\b|\bdoms\b|\b(wrecked|destroyed|trashed|smashed|battered)\b|\bkilling me\b"
    r"|\bach(e|es|y|ing)\b",
    re.IGNORECASE,
)
ACHE = re.compile(r"ach(e|es|y|ing)", re.IGNORECASE)
# Pain named without a sign of what it is ("did I hurt myself?"): beside soreness, still soreness.
GENERIC_PAIN = re.compile(r"pain(ful)?|hurts?|hurting|injur\w*", re.IGNORECASE)
AFTER_TRAINING = re.compile(
    r"\b(muscles?|workouts?|training|session|gym|lifting|strength|exercis\w*|doms|next day|after"
    r"|yesterday|day before|last (?:night|session|run|week))\b",
    re.IGNORECASE,
)  # "after": sore after an exercise of the corpus's ("after split squats"), which no list here can name;
# "yesterday": "calves still sore from yesterday" is yesterday's training
# Muscles and the parts of the body runners train, by their everyday and anatomical names (the joints and
# tendons are BODY_PARTS): generic anatomy, not any corpus's.
MUSCLES = re.compile(
    r"\b(calf|calves|quads?|quadriceps|hamstrings?|hammies|glutes?|gluteals?|abs|abdominals?|core|obliques?"
    r"|biceps|triceps|forearms?|chest|pecs|lats|traps|arms?|legs?|thighs?|groin|adductors?|abductors?|soleus"
    r"|gastrocnemius|tibialis|hands?|fingers?|upper body|lower body)\b",
    re.IGNORECASE,
)
BODY_PARTS = re.compile(
    r"\b(joints?|knees?|kneecaps?|ankles?|hips?|back|spine|neck|shoulders?|elbows?|wrists?|achilles|tendons?|heels?|feet|foot"
    r"|shins?|bones?|arch(es)?|toes?|it band)\b",
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
# A health condition the runner has ("I have osteoporosis, are hops safe?", "I'm pregnant"): no symptom to
# examine, but whether training suits it is a clinician's call, whatever the sources say or leave out.
CONDITION = re.compile(
    r"\bosteop(?:oro|en)\w*|\b(?:osteo)?arthritis\b|\bheart (?:condition|disease|problems?|attack|failure)\b"
    r"|\bhigh blood pressure\b|\bhypertension\b|\bdiabet\w*|\basthma\w*|\bpregnan\w*|\bpost-?(?:partum|natal)\b"
    r"|\bhad (?:a|my) baby\b|\b(?:hip|knee|joint) replacement\b|\bsurgery\b|\bcancer\b|\bepilep\w*|\bblood clots?\b"
    r"|\bblood thinners?\b|\bpacemaker\b|\bmultiple sclerosis\b|\bparkinson\w*",
    re.IGNORECASE,
)
CONDITION_NOTE = (
    "A health condition is for your doctor or physical therapist to weigh: please ask them whether this suits you. "
    "Stride can share what its sources say but cannot judge what is safe for you."
)


# Names whose last letters are no plural "s" ("achilles" had been "achille"), and plurals not made by one.
SINGULAR = {
    "feet": "foot",
    "calves": "calf",
    **{name: name for name in ("achilles", "soleus", "gastrocnemius", "tibialis", "biceps", "triceps", "quadriceps")},
    **{name: name for name in ("abs", "lats", "traps", "pecs")},
}


# "Back" is the body's only where a text says whose or which ("my back", "lower back") or what of it ("back pain"),
# not in "back off" or "come back", nor with "of" after it (a leg's back is the leg).
THE_BACK = re.compile(
    r"\b(?:my|your|his|her|their|the|a|lower|upper|low|mid|middle|sore|bad|stiff|tight|achy|aching)\s+back\b(?!\s+of\b)"
    r"|\bback\s+(?:pain|aches?|spasms?|injur\w*|muscles?|problems?|issues?|extensors?)\b",
    re.IGNORECASE,
)


def parts_named(text: str) -> set[str]:
    """The joints, tendons and muscles a text names, singular and lower case ("knees" -> "knee")."""
    found = [m[0].lower() for pattern in (BODY_PARTS, MUSCLES) for m in pattern.finditer(text)]
    if "back" in found and not THE_BACK.search(text):
        found = [part for part in found if part != "back"]
    return {
        SINGULAR.get(part) or (part.removesuffix("es") if part.endswith("ches") else part.rstrip("s")) for part in found
    }


# A region and the parts within it (as `parts_named` writes them): a caution speaking of "kicked in the leg"
# or "a lump in the tendon" speaks of an Achilles (a pop in the Achilles had been told the morning stiffness
# line of its red flags, not the line for a pop, which names the leg).
WITHIN = {
    "leg": frozenset(
        {"knee", "kneecap", "ankle", "achilles", "calf", "shin", "thigh", "quad", "hamstring", "soleus"}
        | {"gastrocnemius", "tibialis"}
    ),
    "arm": frozenset({"elbow", "wrist", "bicep", "tricep", "forearm"}),
    "tendon": frozenset({"achilles"}),
}


def same_part(asked: set[str], named: set[str]) -> bool:
    """Whether two sets of body parts share one, a part and what it contains counting as one ("knee", "kneecap";
    "leg", "achilles")."""
    return any(
        a.startswith(b) or b.startswith(a) or a in WITHIN.get(b, ()) or b in WITHIN.get(a, ())
        for a in asked
        for b in named
    )


def never_answers(question: str) -> str | None:
    """What Stride does not do that the question asks for, or None."""
    return next((what for what, pattern in NEVER_PATTERNS.items() if pattern.search(question)), None)


def clinician_note(question: str) -> str | None:
    """The note a question gets: pain, injury or symptoms to examine, or a health condition to weigh; None."""
    if needs_clinician(question):
        return CLINICIAN_NOTE
    return CONDITION_NOTE if CONDITION.search(question) else None


def needs_clinician(question: str) -> bool:
    """Pain, injury or symptoms that need examining; not the expected soreness of trained muscles."""
    found = _told_pain(question)
    if not found or (NO_PAIN.search(question) and all(NOISES.fullmatch(word) for word in found)):
        return False
    only_soreness = all(SORENESS.fullmatch(word) for word in found)  # aches included
    return not (only_soreness and after_training(question) and not BODY_PARTS.search(question))


def _told_pain(question: str) -> list[str]:
    """The words of pain, injury or symptoms the question tells of: not those it says are absent ("it doesn't
    hurt") nor injuries to prevent."""
    return [match.group(0) for match in PAIN.finditer(NO_PAIN.sub(" ", PREVENTION.sub(" ", question)))]


def after_training(question: str) -> bool:
    """Whether the question speaks of soreness after training ("sore two days after my first hops") and of no
    other symptom: what the sources say of such soreness belongs in its answer, beside any caution."""
    words = [match.group(0) for match in SORENESS.finditer(question)]
    if not words or not AFTER_TRAINING.search(question):
        return False
    # soreness beside another symptom is no training soreness ("swollen and red the day after, is that DOMS?")
    if any(not (SORENESS.fullmatch(word) or GENERIC_PAIN.fullmatch(word)) for word in _told_pain(question)):
        return False
    # an ache in a joint or the back is no training soreness ("my lower back aches after long runs")
    return not (all(ACHE.fullmatch(word) for word in words) and BODY_PARTS.search(question))


def is_trained(word: str) -> bool:
    """Whether a word names a muscle or a part of the body that training is for ("calves", "triceps", "knee"),
    not a goal ("marathon", "5k"): what a list of exercises can be asked for and a corpus can fail to name."""
    return bool(BODY_PARTS.fullmatch(word) or MUSCLES.fullmatch(word))


def body_parts(text: str) -> list[str]:
    """The joints, tendons and bones the text names ("knee", "achilles"), lower-cased, in order."""
    return list(dict.fromkeys(match.group(0).lower() for match in BODY_PARTS.finditer(text)))


def is_diagnosis(sentence: str) -> bool:
    return bool(DIAGNOSIS.search(sentence))


def strip_injection(text: str) -> tuple[str, bool]:
    """The text without sentences that try to instruct the assistant, and whether any were removed."""
    sentences = split_sentences(" ".join(text.split()))
    kept = [s for s in sentences if not INJECTION.search(s)]
    return " ".join(kept), len(kept) != len(sentences)


def decline_message(reason: str, covered: str) -> str:
    """One sentence saying why, and what the corpus does cover (`Scope.describe`)."""
    return f"I can't answer that from Stride's sources ({reason}): they cover {covered}."
