"""Answer plans: the shape an answer takes for the kind of question asked, and the evidence that fills it.

A runner asking "what exercises ..." wants a list, "how do I ..." the steps in order, "should I ..." a yes or
no first, "how many sets ..." a number or a plain "the sources give none". So the question is sorted into a
kind (`kind_of`), and `make_plan` gathers the evidence for that kind across every passage that answers the
question (not one best passage), in the order the answer should show it:
- verdict ("should I", "is X worth it"): a sentence taking a stance on what was asked goes first, marked
  "Yes:" or "No:" when the question's own polarity makes that unambiguous, then the supporting points;
- list ("what exercises for ..."): the best sentence of each answering passage, one item each, more of them;
  a list the sources give under a heading the question names ("what are the signs ...?" and "Signs you
  need a physio"), whole and in order;
- procedure ("how do I"): the sentence naming the movement and the ones after it, in the source's order,
  from the passage retrieval ranks first among those answering, or, when that passage never names what was
  asked ("how do I do an RDL?" of a calf raise), a plain "The sources do not say how ..." before
  the closest; from an exercise card, one source's steps numbered (the fullest), what it needs before them
  and its dose, cues and cautions after them;
- variation ("how do I make it harder", "I can't hold it yet"): the sentence saying how and the ones after
  it, in the source's order; a version the named exercise's card lacks is said to be missing, not taken from
  another exercise;
- quantity ("how many sets", "how often"): the sentences that give a number of what was asked; when none
  does, a plain "The sources do not give ..." before what they do say;
- progression ("where do I start", "I'm new to"): sentences that order things (first, then, before), in the
  source's order;
- reason, troubleshooting, fact: the most relevant points, a few more than one passage would give.
A sentence's score is the caller's relevance of it to the question, plus its passage's retrieval score
(weighted: retrieval read the whole passage) and a bonus when the question names its passage's heading; the
weights are the embedding model's (`calibration`). A plan is made of source sentences, so on its own it is
the fast tier's answer; a model that can write is given the plan and writes within it (`answer`).

Leaves out: embedding or scoring sentences itself (the caller passes its scorer), checking anything a
model writes (`cite`), and pain, diagnoses and declines (`policy`, `answer`).
"""

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.calibration import Thresholds
from assistant.cards import FIELDS, LABEL, Library
from assistant.cite import Passage, stance
from assistant.errors import StrideError
from assistant.policy import SORENESS, WITHIN, after_training, is_trained, parts_named, same_part
from assistant.scope import FILLER_STEMS, QUANTIFIERS, WHEN_WORDS
from assistant.text import is_negated, jaccard, normalise, tokens

# A runner saying an exercise has become easy asks for the harder version.
GETS_EASY = (
    r"\b(?:once|when|now|if)\s+(?:it'?s|its|that'?s|thats|they'?re|theyre|it is|that is|they are|it gets|they get)"
    r"\s+(?:too\s+|getting\s+|really\s+)?easy\b|\bgetting (?:too )?easy\b"
)
# "I can't hold it on my feet yet", "they're too hard for me": the easier version is asked for.
GETS_HARD = (
    r"\bcan'?t (?:yet )?(?:hold|do|manage|finish|complete|get through)\b(?! (?:without|because))"
    r"|\btoo (?:hard|difficult|much) for me\b|\bstruggl\w* (?:with|to)\b"
)
# A load or a share of one's maximum asked for without "how": "what dumbbell weight?", "what % of my 1rm?".
OF_MAXIMUM = r"%|\bpercent(?:age)?\b|\b1\s?rm\b|\bone[- ]rep(?:etition)? max(?:imum)?\b"
WHAT_LOAD = r"\bwhat (?:\w+ )?(?:weight|load|size (?:kettle)?bell|size dumbbell)\b"
# Question kinds, tried in order: the first that matches wins ("Should I ... how many?" is a quantity).
KINDS = [
    # "Why ... heavy low reps?" asks for a reason, whatever numbers or beginners it names.
    ("reason", r"^\s*why\b"),
    # "What does 2 reps in reserve mean?" asks what a term means, whatever numbers or sets it names.
    ("fact", r"\b(?:mean|means|stand for)\??\s*$|^\s*define\b|\bdefinition of\b|\bwhat is meant by\b"),
    (
        "progression",
        r"\bwhere (do|should|can) (i|you|we|a beginner) (\w+ )?(start|begin)\b"  # "where do I even start"
        r"|\bhow (do|should|can) i (\w+ )?(start|begin|get started)\b"
        r"|\bi'?m (new|a beginner|just starting)\b|\bbeginners?\b|\bfirst steps?\b|\bget(ting)? started\b"
        r"|\b(the|what|which|right|best) order\b",  # "what's the order to progress the hopping?"
    ),
    (
        "quantity",
        r"\bhow (many|much|often|long|heavy|far|frequently)\b|\b(sets?|reps?|repetitions)\b"
        r"|\btimes (a|per) (day|week)\b"
        # a load or a share of one's maximum: "what dumbbell weight?", "what % of my 1rm?"
        rf"|{WHAT_LOAD}|{OF_MAXIMUM}",
    ),
    (
        "list",
        r"^\s*how (do|can|should|would) (i|you|we) "
        r"(strengthen|train|improve|build|fix|work on|target|loosen|stretch)\b",
    ),
    # "How do I make them harder?" asks for the sources' variations, not an exercise's steps from the start.
    # So do "how do I progress the balance work once it's easy?" and "side planks are getting easy, what's next?".
    (
        "variation",
        r"\b(harder|easier|more (challenging|difficult)|less (challenging|difficult)"
        rf"|progress (it|them|this|these|the|my))\b|{GETS_EASY}|{GETS_HARD}",
    ),
    (
        "procedure",
        r"^\s*(how (do|can|should|would) (i|you|we)|how to|how is|how are)\b|\bwalk me through\b|\btechnique\b"
        r"|\b(the|a) (right|best|correct|proper) way to\b|\bset up\b|\bsteps? (to|for)\b"
        r"|\bhow (do|can|should|would) (i|you|u|we) (do|perform) (it|this|that|them|one|these|those)\b",
    ),
    ("reason", r"^\s*why\b|\bwhy (would|does|do|is|are|could)\b|\breasoning\b|\bwhat'?s the point\b"),
    (
        "list",
        r"^\s*(what|which)\s+(\w+\s+){0,3}(exercises|moves|drills|workouts|muscles|options|equipment|kit)\b"
        r"|\bwhat (can|should) i do\b|\b(list|name) (some|the|a few)\b|\bany (\w+ )?(exercises|moves|drills)\b"
        r"|^\s*(list|name|give me|suggest|recommend|(the )?best|top)\b(\s+[\w-]+){0,4}"
        r"\s+(exercises|moves|drills|workouts)\b"
        # a request made of the noun alone: "core exercises I can do with a band?", "exercises for my glutes?"
        r"|^\s*([\w-]+\s+){0,3}(exercises|moves|drills|workouts)\s+(i|you|to|for|with|that|using)\b",
    ),
    (
        "verdict",
        r"^\s*(should|do|does|is|are|can|could|would|will)\b|\bshould i\b|\bworth (it|doing)\b|\bwaste of time\b"
        r"|\bgood idea\b|\bright\?\s*$|\bwho'?s right\b|\bwhich is it\b|\benough\?\s*$",
    ),
    ("troubleshooting", r"\b(i|my)\b.{0,60}\b(feel|feels|get|gets|notice|drops?|wobbl\w*|can'?t|doesn'?t|don'?t)\b"),
]
KIND_PATTERNS = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in KINDS]
TOLD_KINDS = ("progression", "quantity", "troubleshooting")  # read in the whole question, not only its asking sentence

# How many points each kind shows (a list shows more; a procedure's steps come from one passage).
POINTS = {"list": 5, "procedure": 4, "progression": 4}
DEFAULT_POINTS = 4
DEFAULT_PER_PASSAGE = 3
# A question weighing two options: "X or Y?" (not "or not", "or nah", "or so"), or asking which of several.
WEIGHS_OPTIONS = re.compile(
    r"\b\w+\s+or\s+(?!not\b|nah\b|so\b|something\b|anything\b|no\b)\w+|\bwhich is better\b", re.I
)
MODALS = frozenset(tokens("need needs needed should must ought want"))  # words that ask, naming nothing
MAX_PASSAGES = 3  # passages one prose answer draws on (a list draws on as many as it has items)
LIST_REACH = 1.5  # a list's items may trail the best by this many plan margins: a list names more things
LIST_ITEMS = 3  # fewer close items than this make a short answer, not a list
# "What are the signs ...?", "what's the return to run checklist?": several things asked for by their name.
ASKS_WHAT_THEY_ARE = re.compile(
    r"^\s*(?:what|which)\s+are\b|\b(?:checklist|list|signs|symptoms|tests|rules|stages)\b"
    r"|^\s*what(?:[’']?s| is| goes| do i do| should i do)\s+in\b",  # "what's in phase 1?"
    re.I,
)
SECTION_ITEMS = 12  # a section's list given whole ("what are the signs ...?" under "Signs you need a physio")
SECTION_SHARE = 0.75  # of a heading's words the question must use for the heading to name what it asks
CARD_ITEMS = 12  # exercises a list from the cards shows ("what exercises ...?" asks for them all)
DESCRIBING_WORDS = 6  # content words a card's "about" sentence needs to describe the exercise
ORDERED_STEPS = 3  # ordering units one passage needs to be read as the order itself
MIN_WORDS = 3  # a unit with fewer content words ("Now do them!") says nothing alone
# A sentence opening with its own "Yes," / "No,": a plan's verdict gets no second lead, and a written one is
# shown only with the plan's stance (`answer`).
VERDICT_WORD = re.compile(r"^(yes|no)\b[,.:!]?\s*", re.IGNORECASE)
# A bare reply ("No, not to start.", "Honestly, no.") means what its heading's question asked: it answers only
# a yes/no question, never leads a list, a procedure or a "where do I start".
BARE_REPLY = re.compile(r"^\s*(?:honestly,?\s+|well,?\s+)?(?:yes|no|not really|nope)\b[^.!?]{0,25}[.!]?\s*$", re.I)
# A prose answer of one sentence is continued by the sentence after it in its source (a stance "You don't need
# X" is followed by what to use instead), whatever that one's own score: +0.009 dev claim recall.
MIN_PROSE = 2

# What a quantity question asks for: (pattern in the question, pattern of an answer in a source, what to call it).
# Minutes and seconds as runners type them ("how many mins"), and numbers as a source writes them, in figures or
# in words as a talk's transcript does ("thirty to sixty seconds", "twenty-five"), alone or as a range.
# "one" is left out: "stand on one foot" gives no number of anything.
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "two|three|four|five|six|seven|eight|nine"
NUMBER = (
    rf"(?:\d+(?:\.\d+)?|(?:{_TENS})(?:[- ](?:one|{_UNITS}))?|{_UNITS}|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|a hundred|a few|several|a couple of)"
)
RANGE = rf"{NUMBER}(?:\s*(?:-|–|to|or)\s*{NUMBER})?"
QUANTITIES = [
    (
        r"\b(sets?|reps?|repetitions)\b",
        # "times" counts repeats, not a multiple ("6 to 8 times body weight")
        rf"\b{RANGE}\s*(?:x\s*\d*\s*)?(sets?|reps?|repetitions|times(?!\s+(?:your\s+)?(?:body|bodyweight|as|more|less|the)\b))\b"
        r"|\b\d+\s*[x×]\s*\d+",  # sets by repetitions: "3 x 8-12", "5 x 45 second holds"
        "a number of sets or repetitions",
    ),
    (
        r"\bhow (often|frequently)\b|\btimes (a|per)\b",
        # "two short sessions a week", "Two sessions of thirty minutes each week", "twice a week", "daily"
        rf"\b(?:{RANGE}(?:\s+[a-z-]+)?\s+(?:times|days?|sessions?|workouts?)|twice|once)\b[^.;!?]{{0,50}}?"
        r"\b(?:a|per|each|every)\s+(?:day|week|fortnight|month)\b"
        r"|\b(?:daily|weekly)\b|\bevery (?:day|other day|week)\b",
        "how often",
    ),
    (
        r"\bhow (long|far)\b|\bhow many (seconds|secs?|minutes|mins?|hours|hrs?|days|weeks|months|miles|km)\b",
        rf"\b{RANGE}\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|miles?|km|m"
        r"|meters?|metres?|yards?|lengths?)\b",
        "how long",
    ),
    (
        OF_MAXIMUM,
        rf"\b{RANGE}\s*(%|percent)",
        "a percentage of your one-rep maximum",
    ),
    (
        rf"\bhow (heavy|much weight)\b|{WHAT_LOAD}",
        # or by the repetitions it allows: "a weight you could lift about 5 or 6 times", "sets of 3-6 reps"
        rf"\b{RANGE}\s*(kg|kilos?|lbs?|pounds?|percent|%)\b|\b\d+\s*(or|to|-)\s*\d+\s*(times|reps?|repetitions)\b",
        "how heavy",
    ),
]
ANY_NUMBER = rf"\b{NUMBER}\b"
# What "how much ...?" measures, when it is no weight (that is "how heavy"): "how much bone density".
HOW_MUCH = re.compile(r"\bhow much (?!weight\b)([a-z]+(?: [a-z]+)?)", re.I)
# The thing a "what/which/how many" question asks about: the words after the question word, past a copula,
# articles and a quantifier or two, up to the next word that is not part of the noun phrase ("Which running
# shoes are best" -> "running shoes"; "What pace should I" -> "pace"; "How many gels" -> "gels").
FOCUS = re.compile(
    r"^\s*(?:what|which|how (?:many|much)|(?:the\s+)?best)\s+"
    r"(?:(?:is|are|was|were|the|a|an|my|your|some|kind of|type of|sort of|best|right|good|ideal|one|two|three)\s+)*"
    r"(?P<focus>(?:(?!(?:should|do|does|did|can|could|would|will|is|are|to"
    r"|of|for|in|on|at|with|i|you|we|a|an|the|my)\b)[a-z0-9'-]+\s*){1,3})",
    re.IGNORECASE,
)
# The units a quantity question counts in (stems): "how many sets" asks a number, not about sets.
QUANTITY_UNITS = frozenset(
    tokens("set sets rep reps repetitions times seconds minutes hours days weeks kg kilos kilograms lb lbs pounds")
)
QUANTITY_WORDS = frozenset(tokens("many much long often frequently heavy far per"))  # "how many", "per week"
# Sentences that put things in an order: what a beginner's progression is made of.
ORDER_WORDS = re.compile(
    r"\b(first|start|begin|before|then|next|once|after|progress\w*|order|fundamentals?|foundation|basics?)\b"
    r"|\b(?:weeks?|stages?|phases?|levels?|steps?|months?):?\s+\d",  # "Weeks 1-2: ...", "Stage 3: ", "Week: 5"
    re.I,
)
# A numbered period of a plan: "week 3", "Weeks 3-4", "Week: 5", "Week 6 onwards", "stage 2"; not a rate
# ("Sessions per week: 3").
PERIOD = re.compile(
    r"(?<!per )(?<!a )(?<!each )\b(week|day|stage|phase|level|month)s?\b:?\s*(\d+)(?:\s*(?:-|–|to)\s*(\d+))?"
    r"(\s*(?:onwards|\+|and (?:on|up|beyond)))?",
    re.I,
)
# How a source says to make an exercise harder or easier (the answer to a "variation" question): a change of
# difficulty, not any word of it ("it challenges balance" describes an exercise, "to challenge it more, add
# weight" varies it).
VARIES = re.compile(
    r"\b(harder|easier|(more|less) (challenging|difficult|intense)|to challenge|increase the challenge|amplif\w*"
    r"|(increase|reduce|lower|raise) the (intensity|resistance|difficulty|load|weight)|progressions?|regressions?"
    r"|advanced|progress by|regress by)\b",
    re.I,
)
# A stance plain enough to answer "Yes" with: a recommendation, not any positive word ("gives great relief").
RECOMMENDS = re.compile(
    r"\b(recommend(ed|s)?|good idea|worth (it|doing)|should (be|do|include|add)|beneficial|effective|important to)\b",
    re.I,
)
# A list question that asks for exercises (not "which muscles ..."): the cards can answer it.
# A list asked for without equipment: "with no equipment", "bodyweight only", "nothing but my own weight".
NO_EQUIPMENT = re.compile(
    r"\b(?:no|without(?: any)?|zero)\s+(?:equipment|gear|kit|weights?|gym)\b|\bbody ?weight\b|\bnothing but\b", re.I
)
GENERIC_LIST = re.compile(r"(exercis\w*|moves?|drills?|workouts?|routines?|run|runs|runn\w*|runners?)$", re.I)
WHAT_TO_DO = re.compile(r"\bwhat (can|should) i do\b", re.I)
EXERCISE_WORDS = re.compile(r"\b(exercises?|moves?|drills?|workouts?|routine)\b", re.I)
ASKS_EXERCISES = re.compile(
    rf"{EXERCISE_WORDS.pattern}|{WHAT_TO_DO.pattern}|^\s*how (do|can|should) i (strengthen|train|work on|target)\b",
    re.I,
)
# A procedure question asking for a harder or easier version: the card's field of that name answers it.
VARIED = {
    "harder": re.compile(
        rf"\b(harder|more (challenging|difficult)|tougher|too easy|progress (it|them|by|this|these|the|my))\b"
        rf"|{GETS_EASY}",
        re.I,
    ),
    "easier": re.compile(
        rf"\b(easier|less (challenging|difficult)|simpler|too (hard|difficult)|regress\w*)\b|{GETS_HARD}", re.I
    ),
}
PROCEDURE_STEPS = 6  # steps a procedure from a card shows
ASIDES = 3  # its dose, cues and cautions shown after the steps
VARIED_CONTEXT = 3  # sentences of a card without the harder (easier) version asked for, shown instead
# A sentence opening with one of these means something only after the sentence before it ("They should be
# strengthened": who should?). "It" and "This" are left out: under a heading they
# mostly mean what the heading names ("Gluteus Minimus ... It abducts the hip"), and the answer shows it.
# A sentence answering what the one before it said ("Yet most runners have never trained them", "Therefore
# ...") leans back as much: alone it reads as the reason, without the reason.
LEANS_BACK = re.compile(r"^(they|their|them|these|those|he|she|yet|but|however|therefore|thus|hence)\b", re.I)
# A step continuing the one before ("Then ...", "And then ..."): in the passage's order it reads, alone it does not.
NEXT_STEP = re.compile(r"(?:and\s+)?then\b", re.I)
# What a source says to a runner in pain: to stop, to have it examined, what is not normal. A question telling
# of pain or an injury is answered with these sentences only, when its evidence has any:
# "can I keep doing wall sits?" with a swollen, locking knee gets "stop and see a physiotherapist", not how to
# hold a wall sit.
CAUTIONS = re.compile(
    r"\b(stop (at once|immediately|straight away|right away|with any|training|running|exercising|and (see|get|rest))"
    r"|stop (\w+ )?if you (feel|get|have|notice)|,\s*stop\b|not normal"
    r"|(call|contact|ring) (us|the clinic|your (clinic|physio\w*|doctor|GP)|an? (physio\w*|doctor))"
    r"|(do not|don'?t|not be) (train|trained|push|pushed|run) through|(do not|don'?t|avoid) .{0,40}\bif you (have|feel)"
    r"|(see|ask|visit|consult|check with|(get|have) (it|this|them) (looked at|checked|assessed|examined)( by)?)"
    r" (a |an |your |the )?(\w+ ){0,2}(physio\w*|physical therapist|doctor|GP|clinician|surgeon|specialist|podiatrist)"
    r"|(assessed|examined|checked|looked at|assessment|examination) by|needs? (an? )?(assessment|examination)"
    r"|stop (any|the|this|that|all) (\w+ )?(exercise|movement|activity|drill|session)s?"
    r"|until (you have been|you are|you're|you get) cleared|cleared by"
    r"|^(watch out|caution|warning|careful)(?=\s*:))\b",  # a labelled caution: "Watch out: if the knee hurts"
    re.I,
)
CAUTION_POINTS = 3
# A heading over warning signs: each item under it is a caution, whatever its own words ("New swelling in the
# calf" under "Stop and contact us if you notice:"). An exercise's heading saying when to start it is not one.
WARNING_HEADING = re.compile(
    r"\b(red flags?|warning signs?|when to (stop|see|seek|call|contact|get help)"
    r"|(stop|see|call|contact|seek)\b.{0,40}\bif you (notice|have|feel|get|experience))\b",
    re.I,
)
# A source's rule for how much pain is acceptable ("Pain ... of up to 3/10 is acceptable"), not any sentence
# naming pain ("one of the best exercises for runners with knee pain").
PAIN_WORD = re.compile(r"\b(pain(?![- ]free)|painful|hurts?|hurting)\b", re.I)  # soreness "is normal" is no pain rule
PAIN_LIMIT = re.compile(
    r"\b(acceptable|allowed|okay|ok|normal|expected|fine|settles?|up to|\d+\s*/\s*10|out of (?:10|ten)"
    r"|not part of)\b",
    re.I,
)
# What a source says to do if it hurts: "If your lower back hurts while you do it, this is almost always why."
IF_PAIN = re.compile(r"\bif\b[^.!?]{0,40}\b(pain(?![- ]free)|painful|hurts?|aches?)\b", re.I)
REGIONS = frozenset(WITHIN)  # body parts that hold others ("leg", "arm"): naming one names no part of it alone
PRESCRIBING = ("list", "procedure", "progression")  # kinds of question that ask for exercises to do
# A question's own polarity: "Should I skip ...?" answered by "not recommended" is a yes, not a no.
# A one-word reply opening a source's answer ("No. I get this question every week ...") answers the question
# heading its passage ("Isn't it too late for me?"), which may ask the opposite of the runner's question.
OPENING_REPLY = re.compile(r"^(?:yes|no|nope|yep|not really|absolutely|definitely)[.!]\s+(?=\S)", re.I)
ASKS_YES_NO = re.compile(r"^\s*(should|do|does|did|is|isn|are|aren|was|were|can|could|would|will|has|have)\b", re.I)
NEGATED = re.compile(r"n[’']t\b|\b(?:not|never|no)\b", re.I)
NEGATIVE_QUESTION = re.compile(r"\b(not|n't|avoid|skip|stop|instead|waste|pointless|overrated|bad)\b", re.I)
YES_NO_QUESTION = re.compile(r"^\s*(should|do|does|is|are|can|would|will)\b|\bshould i\b|\bworth (it|doing)\b", re.I)


@dataclass(frozen=True)
class Point:
    """One source sentence (or a list with its lead-in) that the answer shows, cited to its passage."""

    passage: int
    text: str
    score: float
    lead: str = ""  # "Yes: " / "No: " before a verdict's stance sentence
    title: str = ""  # the exercise a card's item is about, shown before its sentence
    aside: bool = False  # said after a list's items, not as one ("Dose: 3 sets of 15-20." after the steps)


@dataclass
class Plan:
    """What the answer says, in order: an optional framing line with no citation (`missing`: "The sources do
    not give a number of sets or repetitions."), then the points, each from one passage."""

    kind: str
    points: list[Point] = field(default_factory=list)
    missing: str = ""  # what the sources do not give, said plainly before the points
    layout: str = "prose"  # "prose", "list" (one item a line) or "steps" (numbered, in order)


Scorer = Callable[[str, str], float]  # (sentence, section) -> relevance to the question


def kind_of(question: str) -> str:
    """The question's kind (see the module docstring); "fact" when nothing else fits. What a runner tells
    before asking ("No weights at home. How can I ...?") does not decide how to answer: the patterns read the
    asking sentence, except that a beginner's, a number's or a symptom's telling ("I'm new to ...", "3 sets of
    X", "I do X and feel Y") counts wherever it is said."""
    asking = _asking_sentence(question)
    return next(
        (
            kind
            for kind, pattern in KIND_PATTERNS
            if pattern.search(asking) or (kind in TOLD_KINDS and pattern.search(question))
        ),
        "fact",
    )


def fitted_reply(unit: str, section: str, question: str) -> str:
    """The unit without its opening one-word reply ("No. ...") unless that reply answers the runner's question
    too: both it and the passage's heading are yes/no questions asking the same way (neither or both negated)."""
    opening = OPENING_REPLY.match(unit)
    if not opening:
        return unit
    asked = section.strip().endswith("?") and ASKS_YES_NO.search(question) and ASKS_YES_NO.search(section)
    if asked and bool(NEGATED.search(section)) == bool(NEGATED.search(question)):
        return unit
    return unit[opening.end() :]


def _elsewhere(part: set[str], text: str, regions: frozenset[str] = frozenset()) -> bool:
    """Whether the text names a body part, and none that `part` (the parts a question names) holds: what it says
    is of another part. Parts in `regions` count as named by neither."""
    where = parts_named(text) - regions
    return bool(part and where and not same_part(part, where))


def _asking_sentence(question: str) -> str:
    """The last sentence asking something (ending "?"), or the whole text when there is no such sentence."""
    # Split at any sentence end, not only before a capital as in the sources: runners type "...? how do I ...?".
    asking = [piece for piece in re.split(r"(?<=[.!?])\s+", question.strip()) if piece.endswith("?")]
    return asking[-1] if asking else question


def make_plan(
    question: str,
    passages: list[Passage],
    score: Scorer,
    thresholds: Thresholds,
    asked: frozenset[str] = frozenset(),
    kind: str | None = None,
    hurts: bool = False,
    stressed: frozenset[str] = frozenset(),
    named: frozenset[str] | None = None,
) -> Plan:
    """The plan for `question` from the evidence passages, scored by `score`; `asked` are the stems of the
    corpus's subjects the question names (`Scope.subjects_in`): a verdict's stance must be about one of them;
    `kind` overrides the question's own (a follow-up's is its first question's); `hurts`: the runner tells of
    pain or an injury (`policy.needs_clinician`), and gets what the sources say of pain, not how to train;
    `stressed`: the words a follow-up adds to the question before it ("and for a 10k?"), which a unit naming
    them answers before one that only answers the first question; `named`: the corpus's subjects the runner's
    own words name, follow-up and question before it together, without the vocabulary's synonyms (by default
    those of `asked` in `question`)."""
    kind = kind or kind_of(question)
    if named is not None and named & stressed:  # "and in peak?": the follow-up's own subject, not the first's
        named = named & stressed
    scored = _scored(passages, score, thresholds, set(tokens(question)), replies=kind == "verdict")
    if stressed:
        bonus = thresholds.heading_bonus
        # under a heading whose label the follow-up names ("and in peak?" of "Peak phase (weeks 9-10)") too
        scored = [
            (value + bonus * bool(stressed & (set(tokens(unit)) | heading_label(p.section))), p, unit)
            for value, p, unit in scored
        ]
    if hurts:  # no harder version for a sore knee (an easier one may be what the sources advise)
        scored = [item for item in scored if not VARIES.search(item[2]) or VARIED["easier"].search(item[2])]
        # "Sore for two days after X, did I hurt myself?": what the sources say of soreness belongs with their
        # cautions (a source telling expected soreness from pain answers exactly that), and so does what they
        # say of pain itself ("Pain during an exercise of up to 3/10 is acceptable").
        sore = after_training(question)
        easier = VARIED["easier"].search(question)  # "wall sits hurt, is there an easier version?"
        cautions = [
            item
            for item in scored
            if CAUTIONS.search(item[2])
            or WARNING_HEADING.search(item[1].section)  # under "Stop and contact us if you notice:"
            or (PAIN_WORD.search(item[2]) and PAIN_LIMIT.search(item[2]))
            or (sore and SORENESS.search(item[2]))
            or (easier and VARIED["easier"].search(item[2]))
        ]
        # An exercise named ("my back aches doing dead bugs"): its own cautions and what its passages say of
        # pain ("If your lower back hurts while you do it, ..."), before another's ("if your lower back aches"
        # under the deadlift); when none is its own, every caution (never how to do it: a pain question about
        # hopping had been told how to hop). The exercise is what the question names of the evidence's
        # headings, not a body part ("lower back").
        headed = {stem for item in scored for stem in tokens(item[1].section)}
        exercise = frozenset(
            stem for stem in asked - WHEN_WORDS - TRAINING_STEMS if stem in headed and not is_trained(stem)
        )

        def names_it(item, text: str) -> bool:
            # a stem and its doubled-letter form are one word ("hop" and "hopping", stemmed "hopp")
            stems = set(tokens(f"{item[1].section} {text}"))
            return bool(exercise & (stems | {stem[:-1] for stem in stems if stem[-2:-1] == stem[-1:]}))

        # Where it hurts narrows them: a caution about another part of the body is nobody's own ("cannot walk
        # four steps" in an ankle's red flags is no caution of step-downs), and one telling of pain in the part
        # asked about is ("sharp pain at the kneecap, stop" for "sharp pain at my kneecap doing step-downs").
        part = parts_named(question)

        def is_own(item) -> bool:
            if _elsewhere(part, item[2]):
                return False  # of another part of the body
            telling = item in cautions and bool(part) and bool(PAIN_WORD.search(item[2]))
            return (
                (item in cautions and names_it(item, item[2]))
                or (IF_PAIN.search(item[2]) and names_it(item, item[1].text))
                or (telling and same_part(part, parts_named(item[2])))
            )

        own = [item for item in scored if is_own(item)]
        # A source answering this very question under a question heading ("I leak a little when I run. Is that
        # normal?") answers it first, whatever its words of caution.
        headed_answer = [
            item for item in scored if item[1].section.endswith("?") and names_section(question, item[1].section)
        ]
        if headed_answer and kind not in PRESCRIBING:
            return Plan(kind, _best(headed_answer, CAUTION_POINTS, CAUTION_POINTS, thresholds, LIST_REACH))
        if cautions and kind not in PRESCRIBING:  # exercises for an injury: the answer stage says they are not
            chosen = _best(own or cautions, CAUTION_POINTS, CAUTION_POINTS, thresholds, LIST_REACH)
            # of the part that hurts, or of none
            soreness = [
                item for item in cautions if sore and SORENESS.search(item[2]) and not _elsewhere(part, item[2])
            ]
            if soreness and not any(SORENESS.search(point.text) for point in chosen):
                # what the sources say of soreness answers "sore two days after hops, did I hurt myself?" beside
                # the cautions, however far a caution naming the calf outscores it
                chosen += _best(soreness, 1, 1, thresholds)
            return Plan(kind, chosen)
    elif SORENESS.search(question) and kind not in PRESCRIBING:
        # Training soreness ("is it normal to be sore after X?") is answered from the passages that speak of
        # soreness, when any does, not by how to do X; the plan then reads them as any other.
        scored = [item for item in scored if SORENESS.search(" ".join(item[1].sentences))] or scored
        # ...and of the muscles that are sore, or of none: "quads and bum sore" is not answered by a passage on
        # soreness of the calves ("Calf DOMS in the first two weeks is normal. Walk it off, ...") when another
        # says so of muscle soreness itself. A region ("legs") names no muscle apart from the others.
        sore_parts = parts_named(question) - REGIONS

        def names_others(unit: str) -> bool:
            return _elsewhere(sore_parts, unit, REGIONS)

        def of_others(passage: Passage) -> bool:  # every sentence of soreness in it names another part
            told = [u for u in passage.sentences if SORENESS.search(u)]
            return bool(told) and all(names_others(u) for u in told)

        # a passage on another part's soreness goes whole (its "Walk it off" is of the calves too), then what
        # names another part in the passages left ("Pinpoint pain on a bone in the shin ...")
        scored = [item for item in scored if not of_others(item[1])] or scored
        scored = [item for item in scored if not names_others(item[2])] or scored
    if not scored:
        return Plan(kind)
    if kind == "procedure":
        points = _procedure(scored, thresholds)
        # "How do I do an RDL?" answered by the steps of another one-legged exercise: a subject the
        # question names that the chosen passage never does makes its steps no answer, only the closest.
        what = HOW_TO_DO.search(_asking_sentence(question))
        named = set(tokens(what[1])) - QUANTITY_UNITS - GENERIC_STEMS if what and points else set()
        chosen = [p for p in passages if named and p.number == points[0].passage]
        shown = {stem for p in chosen for stem in tokens(f"{p.section} {p.text}")}
        if named - shown:
            missing = f"The sources do not say how to do {what[1].rstrip('?. ')}"
            return Plan(kind, points[:2], missing=f"{missing}; this is the closest they come.")
        return Plan(kind, points, layout="steps")
    if kind == "variation":
        return Plan(kind, _variation(question, scored, thresholds, asked))
    if kind == "progression":
        return Plan(kind, _progression(scored, thresholds))
    # "What do I do in week 3?": what the sources say of that week, from whichever passage says it (a plan's
    # table row and the text introducing its stages); naming the week is what makes a unit relevant
    timed = _in_period(question, scored)
    if timed is not scored and kind != "list":
        if kind == "quantity":
            return _quantity(question, timed, thresholds, asked, named)
        return Plan(kind, _best(timed, DEFAULT_POINTS, DEFAULT_PER_PASSAGE, thresholds, reach=float("inf")))
    answering = _answering(scored, thresholds)
    if asks_for_list(question, kind) and (whole := _section_list(question, scored)):
        return Plan(kind, whole, layout="list")
    if kind == "list":  # one item from each passage (or heading) that comes close: a list names several things
        items = _best(scored, POINTS["list"], 1, thresholds, LIST_REACH)
        return (
            Plan(kind, items, layout="list") if len(items) >= LIST_ITEMS else Plan(kind, _prose(answering, thresholds))
        )
    # the options may follow the asking sentence, unpunctuated: "how heavy should i go? heavy low reps or lighter"
    asking = _asking_sentence(question)
    weighs = bool(WEIGHS_OPTIONS.search(question[question.rfind(asking) :]))
    if kind == "quantity":
        plan = _quantity(question, scored, thresholds, asked, named)
        if weighs and plan.points and not plan.missing:
            plan.points = _other_document(question, scored, plan.points, thresholds)
        return plan
    points = _prose(answering, thresholds, POINTS.get(kind, DEFAULT_POINTS))
    if kind == "verdict":
        points = _verdict_first(question, answering, points, thresholds, asked)
    if weighs:
        points = _other_document(question, scored, points, thresholds)
    return Plan(kind, points)


def _other_document(question: str, scored, points: list[Point], thresholds: Thresholds) -> list[Point]:
    """For a question weighing two options ("heavy and low reps or lighter and more reps?", "on the same day
    as intervals or on an easy day?"): the points with the best unit of a second document, when retrieval
    ranked its passage within the plan margin of the best passage: a runner weighing options wants each
    source's take, and a coach's guide and a podcast guest had answered it one each, of which the answer
    showed one. The take names something the question does ("I put strength on easy days"), and leans on no
    sentence before it: "You don't need to go heavy.", alone, had read as no need to lift at all."""
    shown = {point.passage for point in points}
    cited = {item[1].source for item in scored if item[1].number in shown}
    top = max(item[1].score for item in scored)
    asked = set(tokens(question)) - FILLER_STEMS - QUANTIFIERS - MODALS
    others = [
        item
        for item in scored
        if item[1].source not in cited
        and item[1].score >= top - thresholds.plan_margin
        and asked & set(tokens(item[2]))
        and not _leans_back(item[2])
    ]
    if not others or not points:
        return points
    value, passage, unit = max(others, key=lambda item: item[0])
    return [*points[: DEFAULT_POINTS - 1], Point(passage.number, unit, value)]


def from_cards(
    kind: str,
    question: str,
    cards: Callable[[], Library | None] | None,
    asked: frozenset[str],
    first_number: int,
    score: Scorer | None = None,
) -> tuple[Plan, list[Passage]] | None:
    """A list or "where do I start" answer from the exercise cards built at ingest (`cards`): the exercises for
    the muscle or equipment the question names, each with a sentence describing it (most relevant first by
    `score`, when given, else by name), or the corpus's ordered steps. `cards` reads the library, and is
    called only for a question the cards can answer (reading a large corpus's cards takes a noticeable part
    of a second). Returns the plan and the passages its points cite
    (numbered from `first_number`), or None when the cards do not answer it (no library, no progression,
    fewer than two exercises)."""
    # Only "how do I ...": "what makes X harder?" is prose, which a model that writes writes.
    how = kind == "procedure" or (kind == "variation" and bool(re.match(r"\s*how\b", _asking_sentence(question), re.I)))
    if cards is not None and kind == "variation" and not how:
        # ... except that a version the named exercise's card lacks is said to be missing: the passages would
        # offer another exercise's ("is there an easier way?" of the Copenhagen plank had the side plank's).
        library = cards()
        named = library.named(question) if library else []
        how = len(named) == 1 and not named[0].fields.get(_direction(question) or "", [])
    varied = _direction(question) if how else None
    if cards is None or not (how or kind in ("list", "progression")):
        return None
    if kind == "list" and not ASKS_EXERCISES.search(_asking_sentence(question)):
        return None
    library = cards()
    if library is None:
        return None
    if how:
        return _from_card(question, library, varied, first_number)
    if kind == "progression":
        points = [(step.text, step.span, "") for step in library.progression()]
        layout = "steps"
    else:
        cards, wanted = _cards_asked(question, library, asked)
        filtered = any(wanted.values()) or bool(NO_EQUIPMENT.search(question))
        if not filtered and (topical := _on_topic(cards, _topics(question, asked))):
            cards, filtered = topical, True
        asking = _asking_sentence(question)
        if not filtered and WHAT_TO_DO.search(asking) and not EXERCISE_WORDS.search(asking):
            return None  # "what should I do for recovery?" asks what to do, not for every exercise there is
        points = [(v.text, v.span, card.name) for card in cards if (v := _describing(card, library, wanted))]
        if score is not None:  # the list is cut at CARD_ITEMS: what the question asks about comes first
            points.sort(key=lambda point: -score(point[0], point[2]))
        layout = "list"
    # One card is an answer when the question named its muscle or equipment; unfiltered, a list needs two.
    if len(points) < (1 if kind == "list" and filtered else LIST_ITEMS - 1):
        return None
    return _cited(Plan(kind, layout=layout), points[:CARD_ITEMS], library, first_number)


def _cited(plan: Plan, points, library: Library, first_number: int) -> tuple[Plan, list[Passage]] | None:
    """The plan with its points, (text, span, title) or (text, span, title, aside), each citing the passage
    holding it (numbered on; points from one passage cite it once)."""
    held: dict[tuple[str, int], tuple[int, dict, list[str]]] = {}  # (source, start) -> number, entry, sentences
    for text, span, title, *aside in points:
        entry = library.passage_holding(span)
        if entry is None:
            continue
        number, _, sentences = held.setdefault((entry["source"], entry["start"]), (first_number + len(held), entry, []))
        sentences.append(text)
        plan.points.append(Point(number, text, 0.0, title=title, aside=bool(aside and aside[0])))
    passages = [
        Passage(number, entry["source"], entry["title"], entry["section"], " ".join(sentences), 0.0, sentences)
        for number, entry, sentences in held.values()
    ]
    return (plan, passages) if plan.points else None


def _from_card(question: str, library: Library, varied: str | None, first_number: int):
    """The answer to "how do I do X": the steps of X's card in the source's order (with what it needs and
    works, its cues and cautions), when it has at least two; to "how do I make X harder/easier": that field of
    X's card, or a plain "the sources do not say" when it is empty. None when the question names no one card
    or the card has fewer than two steps (the passages answer instead)."""
    named = library.named(question)
    longest = max((len(tokens(card.name)) for card in named), default=0)
    named = [card for card in named if len(tokens(card.name)) == longest]
    if len(named) != 1:
        return None
    card = named[0]
    equipment = library.asked_in("equipment", question)
    if equipment and not _uses(card, library, equipment, question):
        # "and with a band?" after "how do I do X?": the card's version is not the one asked. Say so, then
        # the exercises the sources do with it.
        return _without(card, library, equipment, question, first_number)
    if varied:
        values = sorted(card.fields.get(varied, []), key=_at)
        if values:
            points = [(v.text, v.span, "") for v in values]
            layout = "list" if len(points) > 1 else "prose"  # one version is a sentence, not a list of one
            return _cited(Plan("procedure", layout=layout), points, library, first_number)
        # Say plainly that the sources give no harder (easier) version, then what they do say of the exercise.
        said = _own(card, library, ("steps", "about"))[:VARIED_CONTEXT]
        written = library.as_written(card.name)
        missing = f"The sources do not say how to make the {written} {varied}; this is what they say of it."
        plan = Plan("procedure", missing=missing, layout="prose")
        return _cited(plan, [(v.text, v.span, "") for v in said], library, first_number)
    steps = card.fields.get("steps", [])
    # One source's steps, the fullest: two documents' steps numbered as one list interleave two ways of doing it
    sources = Counter(v.span.source for v in steps)
    if len(sources) > 1:
        fullest = max(
            sources, key=lambda source: (sources[source], -min(_at(v) for v in steps if v.span.source == source)[1])
        )
        steps = [v for v in steps if v.span.source == fullest]
    if len(steps) < 2:  # what the source says of the exercise, in its order: all there is to do it by
        said = _own(card, library, (*FIELDS, "about"))[:PROCEDURE_STEPS]
        if len(said) < 2:
            return None
        return _cited(Plan("procedure"), [(v.text, v.span, "") for v in said], library, first_number)
    first, last = min(_at(v) for v in steps), max(_at(v) for v in steps)
    needs = {v.span for name in ("equipment", "muscles") for v in card.fields.get(name, [])}
    values = _own(card, library, ("steps", "cues", "cautions", "about"))
    values = [v for v in values if v.span.source == first[0]]
    values = [v for v in values if _at(v) >= first or (v.span in needs and v in card.fields["about"])]
    # Numbered: the steps and what the source says between them; what the exercise needs comes before them, its
    # dose, cues and cautions after them.
    step_spans = {v.span for v in steps}
    numbered = [v for v in values if v.span in step_spans or (first < _at(v) < last and v in card.fields["about"])]
    before = [v for v in values if _at(v) < first]
    after = [v for v in values if v not in numbered and v not in before][: max(0, ASIDES - len(before))]
    points = [(v.text, v.span, "", True) for v in before]
    points += [(v.text, v.span, "") for v in numbered[:PROCEDURE_STEPS]]
    points += [(v.text, v.span, "", True) for v in after]
    return _cited(Plan("procedure", layout="steps"), points, library, first_number)


def _without(card, library: Library, equipment: str, question: str, first_number: int):
    """For a card asked of with equipment it is not done with: that the sources give no such version, then
    the exercises they do with it (each by the sentence saying so), or None when they do none."""
    wanted = {"equipment": equipment, "muscles": None}
    others = [other for other in library.matching(equipment=equipment) if other is not card]
    points = [(v.text, v.span, other.name) for other in others if (v := _describing(other, library, wanted))]
    if not points:
        return None
    said = re.search(r"\bwith\s+(?:(?:a|an|the|some|my)\s+)?([\w-]+(?:\s+[\w-]+)?)", question, re.I)
    named = said.group(0).lower() if said and equipment in said.group(0).lower() else f"with {equipment}"
    missing = f"The sources give no version of the {library.as_written(card.name)} {named}; they do these {named}:"
    plan = Plan("list", missing=missing, layout="list")
    return _cited(plan, points[:CARD_ITEMS], library, first_number)


def _uses(card, library: Library, equipment: str, question: str) -> bool:
    """Whether the card is done with the equipment the question names: its equipment answers for it, or one of
    its own sentences names it as the runner did (the author may file it under another name)."""
    if card in library.matching(equipment=equipment):
        return True
    return library.same_phrase("equipment", question, _own(card, library, (*FIELDS, "about")))


def _direction(question: str) -> str | None:
    """ "harder" or "easier" when the question asks for that version of an exercise, else None."""
    return next((name for name, pattern in VARIED.items() if pattern.search(question)), None)


def _at(value) -> tuple[str, int]:
    return (value.span.source, value.span.start)


def _only_of(card, library: Library, value) -> bool:
    """Whether the sentence names no exercise but the card's ("Clamshells and bridges are fine" is no one's)."""
    return all(other is card for other in library.named(value.text))


def _own(card, library: Library, names) -> list:
    """The card's sentences of these fields, once each, in source order, naming no other exercise."""
    values = {v.span: v for name in names for v in card.fields.get(name, [])}.values()
    return [v for v in sorted(values, key=_at) if _only_of(card, library, v)]


def _cards_asked(question: str, library: Library, asked: frozenset[str]):
    """The cards for the muscle and equipment the question names, and those names ({"muscles": ...,
    "equipment": ...}, None when not named). A muscle word the whole corpus is about ("glutes" to a glute
    corpus: not among `asked`, or named in the titles of half its documents) filters nothing: all are for it."""
    muscle, equipment = library.asked_in("muscles", question), library.asked_in("equipment", question)
    if muscle and (not (set(tokens(muscle)) & asked) or library.in_titles(muscle)):
        muscle = None
    wanted = {"equipment": equipment, "muscles": muscle}
    try:
        found = library.matching(muscle=muscle, equipment=equipment)
    except StrideError:
        return [], wanted
    if NO_EQUIPMENT.search(question) and not equipment:  # only the cards that name no equipment
        found = [card for card in found if not card.values("equipment")]
    return found, wanted


def _topics(question: str, asked: frozenset[str]) -> frozenset[str]:
    """The corpus subjects the question names (stems) other than muscles and body parts, the words for
    exercises and running itself: "balance" in "what balance exercises ...", not "foot" in "what foot
    exercises ..." (a part of the body is what exercises are for, which `_cards_asked` reads)."""
    words = [
        w for w in re.findall(r"[A-Za-z’'-]+", question) if not is_trained(w.lower()) and not GENERIC_LIST.match(w)
    ]
    return frozenset(stem for word in words for stem in tokens(word) if stem in asked)


def _on_topic(cards, topics: frozenset[str]) -> list:
    """The cards whose name or heading names a subject the question asks about ("balance exercises" ->
    "Single-leg balance", and "Tandem stance" under "Balance: a little, every day"), when some card's name
    does and some cards are left out; empty when no subject tells the cards apart (each card's sentences are
    not read: a split squat held "for balance" is no balance exercise)."""
    in_names = {stem for card in cards for stem in tokens(card.name)} & topics
    if not in_names:
        return []
    on_topic = [
        card
        for card in cards
        if set(tokens(" ".join([card.name, *(p.get("section") or "" for p in card.passages)]))) & in_names
    ]
    return on_topic if len(on_topic) < len(cards) else []


def _describing(card, library: Library, wanted: dict[str, str | None]):
    """The card's sentence that best says what the exercise is for the question: the sentence giving the
    equipment or muscle asked about ("rest a kettlebell on your knee"), else what the source says of
    it when that says something ("You'll need a band for this one" does not) and is not about several
    exercises at once, else its first step, else the sentence naming it."""
    sentences = {v.span: v for name in (*FIELDS, "about") for v in card.fields.get(name, [])}
    gives: dict = {}  # sentence span -> the kinds asked about that it gives
    for kind, asked in wanted.items():
        for value in card.fields.get(kind, []) if asked else []:
            if value.span in sentences and normalise(value.text) in library.accepted(kind, asked):
                gives.setdefault(value.span, set()).add(kind)
    # the sentence giving both first, then one giving the muscle (why it answers), then the equipment
    giving = sorted(gives, key=lambda span: (-len(gives[span]), "muscles" not in gives[span]))
    about = [  # a labelled line ("Sets/reps: 3 x 8") gives a detail, not what the exercise is
        v
        for v in card.fields.get("about", [])
        if len(tokens(v.text)) >= DESCRIBING_WORDS and _only_of(card, library, v) and not LABEL.match(v.text)
    ]
    naming = [v for v in card.naming if len(tokens(v.text)) > len(tokens(card.name)) + 2]
    if giving:
        return sentences[giving[0]]
    # "Single-leg balance: stand on one foot for 30 seconds": the source's own line for the exercise
    defining = [v for v in sentences.values() if v.text.lower().startswith(f"{card.name.lower()}:")]
    if defining:
        return defining[0]
    # A step that leans on the one before ("Then press down with both palms") says nothing alone: a sentence of
    # the card naming the exercise comes before it ("A wall sit gets harder with a weight on your lap").
    steps = card.fields.get("steps", [])
    standing = [v for v in steps if not _leans_back(v.text) and not NEXT_STEP.match(v.text)]
    named = [
        v for v in sorted(sentences.values(), key=_at) if card in library.named(v.text) and _only_of(card, library, v)
    ]
    for values in (about, standing, named, steps, card.fields.get("about", []), naming):
        if values:
            return values[0]
    return None


def _prose(scored, thresholds: Thresholds, limit: int = DEFAULT_POINTS) -> list[Point]:
    """A prose answer's points: mostly the passage that answers best, another's only when nearly as close."""
    return _best(
        scored,
        limit,
        DEFAULT_PER_PASSAGE,
        thresholds,
        passages=MAX_PASSAGES,
        other_margin=thresholds.other_passage_margin,
    )


def _scored(
    passages: list[Passage], score: Scorer, thresholds: Thresholds, asked_words: set[str], replies: bool = True
) -> list[tuple[float, Passage, str]]:
    """Each usable unit with its score: its own relevance to the question plus its passage's retrieval score
    (weighted): retrieval read the whole passage and its windows, and knows better than one sentence which
    passage answers; the sentence's own relevance then chooses within it (a reason told over three
    sentences, each alone half relevant, was passed over for one sentence naming the subject). A passage
    under a heading the question names in full ("Gluteus Maximus" for "what does the gluteus maximus do?")
    is about what was asked, and its units get a bonus over a passage that only mentions it."""

    def prior(passage: Passage) -> float:
        heading, label = set(tokens(passage.section)), heading_label(passage.section)
        named = thresholds.heading_bonus if heading and (heading <= asked_words or label <= asked_words) else 0.0
        return thresholds.passage_weight * passage.score + named

    priors = {p.number: prior(p) for p in passages}
    return [
        (score(unit, p.section) + priors[p.number], p, unit)
        for p in passages
        for unit in p.sentences
        # A question or a lead-in whose list stands apart ("... in this order:") says nothing alone.
        if len(tokens(unit)) >= MIN_WORDS
        and not unit.rstrip().endswith(("?", ":"))
        and (replies or not BARE_REPLY.match(unit))
    ]


def _answering(scored, thresholds: Thresholds):
    """The units of passages whose best unit is nearly as relevant as the best of all."""
    best_of: dict[int, float] = {}
    for value, passage, _ in scored:
        best_of[passage.number] = max(value, best_of.get(passage.number, value))
    top = max(best_of.values())
    return [item for item in scored if best_of[item[1].number] >= top - thresholds.answering_margin]


def _best(
    scored,
    limit: int,
    per_passage: int,
    thresholds: Thresholds,
    reach: float = 1.0,
    passages: int = 99,
    other_margin: float | None = None,
) -> list[Point]:
    """The most relevant units within `reach` plan margins of the best, not repeating each other, at most
    `per_passage` from one passage and `passages` passages; a passage after the first joins only with a unit
    within `other_margin` of the best (when given: a prose answer stays with the passage that answers; a list
    wants many). Shown grouped by passage (best passage first), each in source order."""
    top = max(item[0] for item in scored)
    chosen: list[tuple[float, Passage, str]] = []
    leaning: list[tuple[float, Passage, str]] = []  # waiting for the sentence before them
    for item in sorted(scored, key=lambda item: -item[0]):
        value, passage, unit = item
        if value < top - reach * thresholds.plan_margin or len(chosen) == limit:
            break
        if sum(1 for c in chosen if c[1] is passage or _same_heading(c[1], passage)) >= per_passage:
            continue
        if any(_redundant(unit, other) for _, _, other in chosen):
            continue
        if _leans_back(unit) and not any(c[1] is passage and c[2] == _before(passage, unit) for c in chosen):
            leaning.append(item)  # "They should be strengthened" without the sentence saying who they are misleads
            continue
        used = {c[1].number for c in chosen}
        far = other_margin is not None and value < top - other_margin
        if passage.number not in used and (len(used) >= passages or (used and far)):
            continue
        chosen.append(item)
        # one that leaned on this unit, met earlier, joins it now ("Bridges are easy to learn. However, ...")
        waiting = next((w for w in leaning if w[1] is passage and _before(passage, w[2]) == unit), None)
        if waiting and len(chosen) < limit:
            leaning.remove(waiting)
            chosen.append(waiting)
    if not chosen and leaning:  # the best leans on a sentence further off: show them together
        _, passage, unit = leaning[0]
        before = next((item for item in scored if item[1] is passage and item[2] == _before(passage, unit)), None)
        chosen = [before, leaning[0]] if before else [leaning[0]]
    if other_margin is not None and len(chosen) < MIN_PROSE:  # prose: continue a short answer in its source
        chosen.extend(_continuations(scored, chosen, MIN_PROSE - len(chosen)))
    return _in_reading_order(chosen)


def _continuations(scored, chosen, wanted: int) -> list:
    """Up to `wanted` units that directly follow a chosen one in its passage, saying something new."""
    scored_units = {(id(passage), unit): (value, passage, unit) for value, passage, unit in scored}
    added: list = []
    for _, passage, unit in chosen:
        follow = scored_units.get((id(passage), _after(passage, unit)))
        if len(added) == wanted or follow is None or follow in chosen or follow in added:
            continue
        if not any(_redundant(follow[2], c[2]) for c in [*chosen, *added]):
            added.append(follow)
    return added


def _after(passage: Passage, unit: str) -> str | None:
    at = passage.sentences.index(unit)
    return passage.sentences[at + 1] if at + 1 < len(passage.sentences) else None


def _leans_back(unit: str) -> bool:
    """Whether the unit opens with a word that points at the sentence before it ("They", "These")."""
    return bool(LEANS_BACK.match(unit))


def _before(passage: Passage, unit: str) -> str | None:
    at = passage.sentences.index(unit)
    return passage.sentences[at - 1] if at else None


def _in_reading_order(chosen) -> list[Point]:
    rank: dict[int, int] = {}
    for _, passage, _ in chosen:  # chosen is best first, so a passage's rank is its best unit's
        rank.setdefault(passage.number, len(rank))
    ordered = sorted(chosen, key=lambda item: (rank[item[1].number], item[1].sentences.index(item[2])))
    return [Point(passage.number, unit, value) for value, passage, unit in ordered]


def asks_for_list(question: str, kind: str) -> bool:
    """A list question, or one asking what several things are ("what are the signs ...?", "the checklist")."""
    return kind == "list" or (kind == "fact" and bool(ASKS_WHAT_THEY_ARE.search(question)))


# What "how do I do X?" asks to do: X ("how can I tell ...?" names no exercise).
HOW_TO_DO = re.compile(r"\bhow (?:do|can|should|would) (?:i|you|we) (?:do|perform) (.+)$", re.I)
HEADING_LABEL = re.compile(r"\s[-–—]\s|:\s")  # "Phase 1 - Foundation", "Week 3: Build"
# Words any exercise's name may carry that tell nothing of which exercise it is, and words that ask how without
# naming what ("the copenhagen one" names the Copenhagen plank, not a "one").
GENERIC_STEMS = frozenset(tokens("exercise exercises properly correctly right form technique way one ones thing"))
# Words for training itself, which a heading may use ("... after my first session?") without naming an exercise.
TRAINING_STEMS = frozenset(tokens("session workout training strength gym lifting running exercise"))


def heading_label(section: str) -> set[str]:
    """The stems of a heading's label: its words before a dash or colon and outside brackets ("base phase" of
    "Base phase (weeks 1-4, off-season)", "phase 1" of "Phase 1 - Foundation"); empty for no heading."""
    return set(tokens(re.sub(r"\([^)]*\)", " ", HEADING_LABEL.split(section, maxsplit=1)[0])))


def names_section(question: str, section: str) -> bool:
    """Whether a heading names what the question asks for: the question uses most of its words, two or more
    ("what are the signs I should see a pelvic health physio?" and "Signs you need a pelvic health physio")."""
    heading = set(tokens(section))
    shared = heading & set(tokens(question))
    # or every word of its label, before a dash or a colon ("phase 1" for "Phase 1 - Foundation (weeks 1-4)")
    label = set(tokens(HEADING_LABEL.split(section, maxsplit=1)[0]))
    return len(shared) >= 2 and (len(shared) >= SECTION_SHARE * len(heading) or label <= shared)


def _section_list(question: str, scored) -> list[Point]:
    """A list the sources give under a heading naming what the question asks for, whole and in order (the
    answer stage keeps every unit of such a passage); empty when no evidence passage is one. Its heading
    answers for it: its items need not match the question's words ("Walk briskly for 30 minutes")."""
    passages = {p.number: (value, p) for value, p, _ in sorted(scored, key=lambda item: item[0])}
    named = [(value, p) for value, p in passages.values() if p.listed and names_section(question, p.section)]
    for value, passage in sorted(named, key=lambda item: -item[1].score):
        # its opening question says what the items are for ("Can you do all of these without pain?"): before them
        lead = [u for u in passage.sentences[:1] if u.rstrip().endswith("?")]
        units = [u for u in passage.sentences if len(tokens(u)) >= MIN_WORDS and not u.rstrip().endswith("?")]
        if len(units) >= LIST_ITEMS:
            items = [Point(passage.number, u, value) for u in units[:SECTION_ITEMS]]
            return [Point(passage.number, u, value, aside=True) for u in lead] + items
    return []


def _procedure(scored, thresholds: Thresholds) -> list[Point]:
    """One passage's units from the one naming the movement on, in order: one exercise's steps."""
    # Of the passages answering, the one retrieval ranked best: its score reads the whole passage, and one
    # sentence sharing a word with what the runner told ("No weights at home") misled the choice (+0.018 dev).
    passage = max((p for _, p, _ in _answering(scored, thresholds)), key=lambda p: p.score)
    value = max(v for v, p, _ in scored if p is passage)
    close = [u for v, p, u in scored if p is passage and v >= value - thresholds.plan_margin]
    return _from(passage, min(passage.sentences.index(u) for u in close), value)


def _variation(question: str, scored, thresholds: Thresholds, asked: frozenset[str] = frozenset()) -> list[Point]:
    """The sentence saying how to make it harder or easier, in the best-ranked answering passage that has one,
    and the sentences after it (a source lists its variations together); else the most relevant points."""
    varying = [item for item in _answering(scored, thresholds) if VARIES.search(item[2])]
    # "How do I make it easier?" is answered by the easier version when a source gives one, not the harder.
    direction = _direction(question)
    directed = [item for item in varying if direction and VARIED[direction].search(item[2])]
    if direction and not varying:
        # "Nordics are too hard, easier version?": the easier version of what was asked, wherever retrieval
        # ranked it (a podcast's answer on dropping Nordics had come first)
        top = max(item[0] for item in scored)
        directed = [
            item
            for item in scored
            if VARIED[direction].search(item[2])
            and (
                asked & set(tokens(f"{item[1].section} {item[1].text}"))
                or item[0] >= top - LIST_REACH * thresholds.plan_margin
            )
        ]
    varying = directed or varying
    if not varying:
        return _prose(scored, thresholds)
    passage = max((p for _, p, _ in varying), key=lambda p: p.score)
    value, _, unit = max((item for item in varying if item[1] is passage), key=lambda item: item[0])
    # From there, or from the passage's most relevant unit if that comes first: a follow-up ("and with a
    # band?") is answered by the sentence setting the variation up ("Use them ...") before its details.
    _, _, best = max((item for item in scored if item[1] is passage), key=lambda item: item[0])
    start = passage.sentences.index(unit)
    points = _from(passage, start if directed else min(start, passage.sentences.index(best)), value)
    if directed:  # "Progress by: ..." answers "harder?"; the "Regress by: ..." after it does not
        opposite = VARIED["easier" if direction == "harder" else "harder"]
        points = [p for p in points if VARIED[direction].search(p.text) or not opposite.search(p.text)]
    return points


def _from(passage: Passage, start: int, value: float) -> list[Point]:
    """The passage's units from `start` on, in order, as many as a procedure shows."""
    following = list(itertools.takewhile(lambda u: not u.rstrip().endswith("?"), passage.sentences[start:]))
    units = [u for u in following if len(tokens(u)) >= MIN_WORDS][: POINTS["procedure"]]  # a question: what next
    return [Point(passage.number, u, value) for u in units]


def _progression(scored, thresholds: Thresholds) -> list[Point]:
    """Units that put things in an order, from the passages answering the question; else the best units. A
    passage that sets out an order over several sentences ("Start with X. Once steady, add Y. When ..., move
    on to Z.") is read on from its first ordering unit, as a procedure's steps are: each step leans on the one
    before, and the best-matching one alone ("start with X") leaves out where it leads."""
    answering = _answering(scored, thresholds)
    ordering = [item for item in answering if ORDER_WORDS.search(item[2])]
    # One passage setting out the whole order ("Weeks 1-2: ... Weeks 3-4: ... After that: ...") is read from
    # its first step, whatever another passage's single "once you can ..." scores.
    number, steps = (Counter(p.number for _, p, _ in ordering).most_common(1) or [(None, 0)])[0]
    if steps >= ORDERED_STEPS:
        own = [item for item in ordering if item[1].number == number]
        passage = own[0][1]
        first = min(passage.sentences.index(unit) for _, _, unit in own)
        return _from(passage, first, max(value for value, _, _ in own))[: POINTS["progression"]]
    pool = ordering or answering
    best = _best(pool, POINTS["progression"], DEFAULT_PER_PASSAGE, thresholds, passages=MAX_PASSAGES)
    if len(best) == 1 and ordering and not _leans_back(best[0].text):
        passage = next(p for _, p, _ in pool if p.number == best[0].passage)
        return _from(passage, passage.sentences.index(best[0].text), best[0].score)[: POINTS["progression"]]
    return best


def _quantity(
    question: str,
    scored,
    thresholds: Thresholds,
    asked: frozenset[str] = frozenset(),
    named: frozenset[str] | None = None,
) -> Plan:
    """The sentences giving the kind of number asked ("how many sets": sets or repetitions), from any evidence
    passage about what was asked (a plan's numbers are often in a passage apart from the one describing the
    exercise), the most relevant first; when none gives one, that is said first, then what the sources do say."""
    number, name = _asked_number(question)
    about = _about(question, scored, thresholds, asked)
    # "How many calf raises?" of a corpus naming no subject in it: what is counted is what it names.
    counted_thing = set() if asked else set(tokens(" ".join(focus_words(question)))) - QUANTITY_UNITS
    if number == ANY_NUMBER and re.search(r"\bhow many\b", question, re.I):
        # "and how many?" of an exercise asks its sets or reps first, not "bend your knees to 30-45 degrees"
        counted = [item for item in about if gives_number(question, item[2])]
        # ...and of the exercise asked about: the units naming most of its words, under their heading too
        naming = {
            id(item): len((asked or counted_thing) & set(tokens(f"{item[1].section} {item[2]}"))) for item in counted
        }
        most = max(naming.values(), default=0)
        # numbers for other exercises ("Wall sit 5 x 30 s") are no answer for a thing none of them names
        about = [item for item in counted if most and naming[id(item)] == most] or (
            [] if counted_thing else counted or about
        )
    giving = [item for item in about if re.search(number, item[2], re.I)]
    if named is None:  # in the question's own words, not the vocabulary's synonyms ("calf" asked, not "calves")
        named = asked & set(tokens(question))
    if named and any(named & heading_label(item[1].section) for item in scored):
        # an exercise asked about has its own passage in the evidence: another's number is no answer for it
        # ("how many sets and reps for reverse Nordics?" had the split squats' "until 8-12 reps feel hard")
        giving = [item for item in giving if named & set(tokens(f"{item[1].section} {item[2]}"))]
    measured = HOW_MUCH.search(question)
    if number == ANY_NUMBER and measured:
        # "how much bone density will I gain?": a number of something else ("sets of 3-6 reps") is no answer
        thing = set(tokens(measured[1])) - QUANTITY_UNITS - QUANTITY_WORDS - WHEN_WORDS
        if thing:
            giving = [item for item in giving if thing <= set(tokens(item[2]))]  # the number's own sentence
    if name in ("how long", "how heavy") and asked:
        # "how far should I walk?" of the suitcase carry: the numbers of the exercise asked about, not a walk's
        naming = {id(item): len(asked & set(tokens(f"{item[1].section} {item[2]}"))) for item in giving}
        most = max(naming.values(), default=0)
        giving = [item for item in giving if naming[id(item)] == most] if most >= 2 else giving
    if giving:
        return Plan("quantity", _without_gaps(_prose(giving, thresholds), giving))
    what = f"say {name}" if name.startswith("how") else f"give {name}"
    naming_it = [item for item in scored if counted_thing & set(tokens(item[2]))]
    rest = _best(naming_it or scored, 2, 1, thresholds)
    return Plan("quantity", rest, missing=f"The sources do not {what}; this is what they do say.")


def _in_period(question: str, scored):
    """For a question naming a numbered period ("what do I do in week 3?"), the units naming a period of that
    kind that holds it ("Weeks 3-4", "Week: 3-4"), not the plan's other weeks; all of `scored` when the
    question names none or no unit holds it."""
    asked = PERIOD.search(question)
    if not asked:
        return scored
    kind, number = asked.group(1).lower(), int(asked.group(2))

    def holds(unit: str) -> bool:
        for match in PERIOD.finditer(unit):
            first = int(match.group(2))
            last = float("inf") if match.group(4) else int(match.group(3) or first)
            if match.group(1).lower() == kind and first <= number <= last:
                return True
        return False

    return [item for item in scored if holds(item[2])] or scored


def _without_gaps(points: list[Point], giving) -> list[Point]:
    """The points with any unit giving the number that sits between two of them in their passage: a plan's
    rows come whole ("Weeks 1-2: 2 sets of 3." and "From week 7: ..." had skipped "Weeks 3-6: 2 sets of 5.")."""
    units = {passage.number: passage.sentences for _, passage, _ in giving}
    shown = {(p.passage, p.text) for p in points}
    filled = list(points)
    for value, passage, unit in giving:
        at = [
            units[p.passage].index(p.text) for p in points if p.passage == passage.number and p.text in units[p.passage]
        ]
        if (passage.number, unit) not in shown and at and min(at) < passage.sentences.index(unit) < max(at):
            filled.append(Point(passage.number, unit, value))
    ranked = list(dict.fromkeys(p.passage for p in points))  # passages as ranked, each in the source's order

    def place(point: Point) -> tuple[int, int]:
        sentences = units.get(point.passage, [])
        return ranked.index(point.passage), sentences.index(point.text) if point.text in sentences else 0

    return sorted(filled, key=place)


def puts_in_order(unit: str) -> bool:
    """Whether the unit places a step in an order ("Weeks 3-4: ...", "Once steady, add ..."): for "where do I
    start", such a unit is evidence whatever its words' relevance, so the order is not read with gaps."""
    return bool(ORDER_WORDS.search(unit))


def _asked_number(question: str) -> tuple[str, str]:
    """The pattern of the number a quantity question asks for, and what to call it."""
    return next(((a, n) for q, a, n in QUANTITIES if re.search(q, question, re.I)), (ANY_NUMBER, "a number for this"))


def gives_number(question: str, unit: str) -> bool:
    """Whether the unit gives the kind of number the quantity question asks for ("3 sets of 15-20" for "how
    many?"): such a unit is evidence whatever its words' relevance to the question."""
    number, _ = _asked_number(question)
    if number == ANY_NUMBER:
        number = QUANTITIES[0][1]  # a bare "how many" counts sets or repetitions first
    return bool(re.search(number, unit, re.I))


def focus_words(question: str) -> list[str]:
    """The words of what a "what/which/how many" question asks about (`FOCUS`: "calf raises"), lower case."""
    match = FOCUS.match(question)
    return match.group("focus").lower().split() if match else []


def _about(question: str, scored, thresholds: Thresholds, asked: frozenset[str] = frozenset()) -> list:
    """The units that may hold the number asked for: those naming something the question names besides the
    quantity ("split squat" in "how many sets of split squats?"), from any evidence passage: a plan's numbers
    sit in a passage of their own, and a sentence of numbers reads as less relevant than the exercise's
    description. The most relevant units count too: "how often should I train?" is answered by "two days a
    week", which names no training. What the question names is the corpus's subjects in it (`asked`) when
    it names any: its other words ("each time", "per session") are also in plans for other exercises."""
    # a subject of the corpus stays one even when it is a word of quantity ("How heavy is heavy?")
    named = set(asked) - QUANTITY_UNITS if asked else set(tokens(question)) - QUANTITY_UNITS - QUANTITY_WORDS
    top = max(item[0] for item in scored)
    near = top - LIST_REACH * thresholds.plan_margin
    return [item for item in scored if item[0] >= near or named & set(tokens(f"{item[1].section} {item[2]}"))]


def _verdict_first(question: str, scored, points: list[Point], thresholds: Thresholds, asked) -> list[Point]:
    """The most relevant unit taking a stance on what was asked, first; "Yes:"/"No:" before it only for a
    plain yes/no question whose own wording is not negative ("Should I skip ...?" would flip the answer)."""
    top = max(item[0] for item in scored)
    stances = [
        (value, passage, unit, side)
        for value, passage, unit in scored
        if (side := stance(unit))
        and asked & set(tokens(f"{passage.section} {unit}"))
        and value >= top - thresholds.plan_margin
    ]
    if not stances:
        return points
    value, passage, unit, side = max(stances, key=lambda item: item[0])
    lead = ""
    # "Yes"/"No" only when the sentence itself names what was asked and says plainly what to do about it.
    plain = side == "against" or (RECOMMENDS.search(unit) and not is_negated(unit))
    if (
        YES_NO_QUESTION.search(question)
        and not NEGATIVE_QUESTION.search(question)
        and plain
        and asked & set(tokens(unit))
    ):
        lead = "Yes: " if side == "for" else "No: "
    if VERDICT_WORD.match(unit):  # "No, but start light ..." says it already
        lead = ""
    first = [Point(passage.number, unit, value, lead)]
    before = _before(passage, unit) if _leans_back(unit) else None
    if before:  # "They should be strengthened" first needs the sentence saying who, before it and no "Yes:"
        first = [Point(passage.number, before, value), Point(passage.number, unit, value)]
    shown = {point.text for point in first}
    return [*first, *(p for p in points if p.text not in shown)][: POINTS.get("verdict", DEFAULT_POINTS)]


def _same_heading(a: Passage, b: Passage) -> bool:
    """Two passages under one heading of one document: one item of a list, one source of a point."""
    return bool(a.section) and a.section == b.section and a.source == b.source


def _redundant(a: str, b: str) -> bool:
    """Whether two units say much the same; not when their numbers differ ("Weeks 1-2: 2 sets of 3." and
    "Weeks 3-6: 2 sets of 5." are two rows of one plan)."""
    if set(re.findall(r"\d+", a)) != set(re.findall(r"\d+", b)):
        return False
    return jaccard(set(tokens(a)), set(tokens(b))) >= 0.5
