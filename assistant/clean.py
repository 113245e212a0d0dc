"""Scrape-residue removal: turns a document's text into clean blocks (headings, paragraphs, lists).

Web pages scraped into the corpus carry things that must never become a passage an answer quotes: sponsor
lists, sign-up boxes, "View this post on Instagram" embeds, navigation ("Back To Blog", "Contact Us"), calls
to action ("click the button to download the free ebook"), video timestamps, image captions, cookie
banners, share bars, breadcrumbs, bylines, advertisement boxes, related-posts lists, tag lines and empty list
items, and a newsletter's header, greeting, sign-off, postscripts and unsubscribe footer, and what a document
says of itself ("Updated March 2024.", "Feel free to print"), a printed handout's running header, footer and
page numbers when saved as text, a help page's "Was this article helpful?" widget, a bare link or social
handle after a label, and a list of works cited under "References". A Markdown table, or one laid out with
spaces in a text file, becomes a list, one item a row with each cell named by its column. A plain-text
handout's numbered exercise name over its indented description ("1) DEAD BUG") is a heading, and a block
turning from a paragraph to a list, or from a list to labelled lines ("Dose: ...", "Easier: ..."), is split
where it turns. A transcript's questions ("Q: ...", or the asking speaker's "HOST: ...?")
head the answers under them, and its speaker labels, stage directions and the host's own chatter go. Removal is
rule-based and line-, block- or sentence-level, so every rule can be tested against the seed documents and
every drop is reported with the rule's name. A forum thread saved as text is its posts, each under its poster's
name (a heading whose `voice` is "post": a poster's words, which answers weigh below the document's own), without
the posters' details, signatures, buttons and counts; a blog's readers' comments, author box and comment form
go, and so do a notes app's page properties, emoji, task list and inline HTML tags; an Obsidian vault's note
keeps its links' words ("[[Kettlebell plan|the club plan]]" is "the club plan") and its callouts' titles as
headings, and loses its #tags, embeds, task boxes and query blocks ("```dataview"). A block written without
blank lines is split at its Markdown headings and at its labelled field lines ("**Equipment:** ...").
The rules here are generic (what any scraped page carries);
residue of one particular site comes from the corpus author's `stride.toml` (`knowledge`) as extra
line patterns ("site residue") and selling phrases, passed in by the caller. Each block keeps the
character span it came from, so a citation can point at the exact place in the source file.

Leaves out: any learned or fuzzy classification (a rule that is wrong is visible and fixable), and
rewording. Kept text is the source's own, except that line breaks inside a paragraph become spaces,
glued-on embed tokens ("glutealGlute-Exercises-Pinterest") are cut, and Markdown's link and emphasis
marks go while their words stay ("**Slower:** count to five" -> "Slower: count to five").
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from assistant.text import LABELLED_LINE, bare, join_lines, split_sentences

# What a share bar names: the networks and the "copy link" button, and what "Share this ..." shares.
_SOCIAL = (
    r"(?:facebook|twitter|x|pinterest|linkedin|reddit|whatsapp|telegram|tumblr|threads|bluesky|flipboard"
    r"|messenger|e-?mail|print|copy (?:the )?link|copy url|pin it)"
)
# One button of the bar, bare or as "Share on Facebook" / "Tweet this".
_BUTTON = rf"(?:(?:share|post|send|tweet)(?: this)?(?: on| via| to)?\s+)?{_SOCIAL}"
# A few words asking before it: "Enjoyed this? Share on Facebook | Share on Twitter".
_ASKING = r"(?:[^.!?]{1,30}[?!]\s*)?"
_SHARED = r"(?:article|post|page|story|recipe|workout|video)"

# One of a forum poster's details or a post's date: "Joined: Mar 2019", "Posts: 1,903", "Posted: 14 Jan 2024, 07:12".
_POST_FIELD = (
    r"(?:joined|member since|registered|posts|messages|reputation|likes received|posted(?: on)?|location|rank)"
    r"\s*:?\s*[\w ,.:/-]{1,30}"
)
_POST_DATE = r"(?:joined|member since|registered|posted(?: on)?)\s*:?\s*[\w ,.:/-]{1,30}"  # one alone is enough

# "Thread: Are plyos worth it?": a saved forum thread naming itself (ingest titles the document by the rest).
_THREAD_LABEL = r"^(?:thread|topic)\s*:\s*"
THREAD_LABEL = re.compile(_THREAD_LABEL, re.IGNORECASE)

# Whole-line residue any scraped page may carry: (rule name, pattern matched against the stripped line,
# case-insensitive).
LINE_RULES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in [
        ("instagram embed", r"view this post on instagram"),
        ("instagram embed", r"a post shared by\b.*"),
        ("navigation", r"back to blog"),
        ("navigation", r"still have questions\??"),
        ("navigation", r"contact us"),
        ("navigation", r"find \|.*"),
        # A site's menu saved as one line: "Home | Training | Races | Gear Reviews | Shop" (a table row opens on "|").
        ("navigation", r"(?!\|)(?:[^|.!?]{1,25}\|\s*){4,}[^|.!?]{1,25}"),
        ("sign-up box", r"join the team"),
        ("sign-up box", r"subscribe\b.*"),
        ("sign-up box", r".*\bunsubscribe at any time\b.*"),
        ("sign-up box", r".*\bwe won'?t send (?:you )?spam\b.*"),
        ("call to action", r"keep (?:training|running)!*"),
        ("email chrome", r"\[image:[^\]]*\]"),  # a text e-mail's stand-in for an image: "[image: Club logo]"
        ("stage direction", r"\[[A-Za-z][^\]\d]{0,40}\]"),  # "[outro music]" on a line of its own
        # a video page's channel and counts: "RunStrong Physio · 48,213 views · 2 months ago"
        ("video stats", r"(?:[^.!?]{0,60}[·•|]\s*)?\d[\d,.]*\s*[KkMm]?\s+views(?:\s*[·•|].{0,40})?"),
        ("episode timestamp", r"(?:[•*-]\s*)?\[\d{1,2}:\d{2}(?::\d{2})?\].*"),
        ("relative date", r"\d+\s+(?:second|minute|hour|day|week|month|year)s?\s+ago"),
        # Bylines belong in the document's metadata (front matter), not in a passage. A reading time marks
        # one however it is laid out ("By A. Writer | Gear | 4 min read").
        ("byline", r"(?:host|author|written by|posted by)\s*:.*"),
        ("byline", r".{0,120}\b\d+[ -]?min(?:ute)?s?\.? read\b[^.!?]{0,40}"),  # "· 23 comments" may follow
        # "*By Maya Okafor, MSc, Physiotherapist*": "By" and a capitalised name ("By April most ..." is text)
        ("byline", r"[*_]*by\s+(?-i:[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3})(?:\s*[,|·—–-][^.!?]{0,120}\.?)?[*_]*"),
        # "Home » Strength » Race season": a trail of short links, in signs prose does not use.
        ("breadcrumbs", r"(?:[^.!?»›]{1,40}[»›]\s*){2,}[^.!?»›]{1,60}"),
        # "Forums > Training > Strength": a forum's trail, its signs spaced out as prose never writes them twice.
        ("breadcrumbs", r"(?:[^.!?>]{1,40}\s>\s+){2,}[^.!?>]{1,60}"),
        # A forum post's buttons and counts: "[Quote]  [Reply]  [Report]   Like (2)", "5 replies | 1,284 views",
        # "Reply to thread | Subscribe", and its poster's details ("Joined: Mar 2019 | Posts: 412").
        ("post buttons", r"(?:\[[\w ]{1,20}\]\s*){2,}(?:(?:likes?|thanks|upvotes?)\s*\(\d+\))?"),
        ("thread stats", r"(?:page \d+ of \d+\s*\|\s*)?[\d,]+ (?:replies|posts)\s*\|\s*[\d,]+ views"),
        ("thread stats", r"reply to (?:this )?(?:thread|topic)\b.*"),
        ("post details", rf"{_POST_FIELD}(?:\s*[|·•]\s*{_POST_FIELD})+|{_POST_DATE}"),
        ("thread title", rf"{_THREAD_LABEL}.+"),  # the thread's name over its posts: the document's title
        # A reply's line naming the post it quotes: "Originally posted by GoHard88", "Sam wrote:".
        ("quote attribution", r"(?:originally posted by|quote from|quoting)\s+\S.{0,40}|\S+(?: \S+)? wrote\s*:"),
        # A site's or a forum's footer: "© 2024 Ridgeline Running. All rights reserved. | Privacy Policy".
        ("copyright", r"(?:©|\(c\)|copyright)\s*(?:\d{4}\b|[A-Z]).*|.{0,60}(?:©|\(c\))\s*\d{4}\b.*"),
        # A comment form's fields and its remember-me box: "Comment * | Name * | Email *", "Save my name, email ..."
        ("comment form", r"(?:\[\s*\]\s*)?save my name,? e-?mail\b.*|(?:\w+ \*\s*\|\s*){2,}.*"),
        ("document note", r"transcript\b[^.!?]{0,30}\b(?:auto-?generated|lightly edited|edited for)\b.*"),
        ("speaker list", r"(?:speakers?|cast|participants)\s*:.*\b(?:host|guest)\b.*"),  # "Speakers: HOST = Sam; ..."
        # A clinic's telephone line and hours: "Call us: 0114 496 0731 | Mon-Fri 7:30am-8pm".
        ("contact line", r"(?:call(?: us)?|phone|tel(?:ephone)?)\s*:?\s*\+?\d[\d ()-]{6,}.*"),
        ("html tag", r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>"),  # "<aside>" alone: a Markdown page's inline HTML
        # A consent banner's buttons, when they stand on lines of their own.
        ("cookie banner", r"(?:accept|reject|allow|decline|refuse)(?: all)?(?: cookies)?"),
        ("cookie banner", r"(?:manage|customi[sz]e) (?:cookie )?(?:preferences|settings|options|choices)"),
        ("cookie banner", r"cookie (?:settings|preferences|policy|notice)"),
        ("share bar", rf"{_ASKING}share(?: this(?: {_SHARED})?| on| via)?\s*:?\s*{_BUTTON}(?:\W+{_BUTTON})*"),
        ("share bar", rf"{_ASKING}{_BUTTON}(?:\W+{_BUTTON})+|share(?: this(?: {_SHARED})?)?\s*:?"),
        # "Tags: hills, tempo, recovery": labels, not sentences (a sentence after the colon keeps the line).
        ("tag list", r"(?:tags|tagged(?: with| as| in)?|filed under|categor(?:y|ies)|posted in)\s*:\s*[^.!?]*"),
        # A letter's or a newsletter's own lines: "Hi team,", "Happy running, Marco", "P.S. ...", a rule of dashes.
        ("greeting", r"(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))(?: [\w'’-]+){0,3}\s*[,!]"),
        (
            "sign-off",
            r"(?:happy running|cheers|best(?: wishes)?|(?:kind |warm )?regards|thanks|talk soon|speak soon"
            r"|see you soon)\s*[,!]\s*(?-i:[A-Z][\w.'’-]*)?(?: (?-i:[A-Z][\w.'’-]*))?",
        ),
        ("postscript", r"p\.\s?(?:p\.\s?)?s\.\s.*"),
        # A text e-mail's links to itself: "View this email in your browser <https://...>", "Forwarded this email?
        # Subscribe here <...>".
        ("email chrome", r"(?:view|read|open) (?:this|it|the) (?:e-?mail|newsletter|issue)\b.{0,30}\bbrowser\b.*"),
        ("email chrome", r"(?:was )?(?:this e-?mail )?forwarded(?: this e-?mail| to you)?\?.*\bsubscribe\b.*"),
        ("email footer", r"sent from my \w+(?: \w+)?\.?"),  # "Sent from my iPhone"
        # "Related posts: Hill reps · Downhill drills", "Comments (14) are closed for this post."
        ("related posts", r"(?:related|similar|more|recent) (?:posts?|articles?|reading|threads?|stories)\s*:.*"),
        ("comments closed", r"comments?(?:\s*\(\d+\))?\s+(?:are|is)\s+(?:now\s+)?closed\b.*"),
        ("image", r"!\[[^\]]*\]\([^)]*\)|!\[\[[^\]]*\]\]"),  # an image alone on its line: its alt text is no sentence
        # A help page's feedback widget: "Was this article helpful?", "142 out of 156 found this helpful".
        ("feedback widget", r"(?:was|is|did) this (?:article|page|answer|post|guide|faq)(?: \w+)? helpful\?.*"),
        ("feedback widget", r"\d+ (?:out )?of \d+ (?:people |readers )?found this (?:\w+ )?(?:helpful|useful)\.?"),
        ("separator", r"[-_=*~]{5,}|-{3}|\*{3}"),  # "---" and "***": Markdown's rule between parts
        # A label and a bare address or handle: "Book a postnatal check: clinic.co.uk/postnatal", "Instagram: @x".
        ("link line", r"[^.!?]{1,60}:\s*(?:https?://)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?"),
        # a Markdown link or a link to another note alone on its line, or as a list item
        ("link line", r"(?:[-*•]\s+)?(?:\[[^\]]+\]\([^)]*\)|\[\[[^\]]+\]\])"),
        ("link line", r"(?:instagram|twitter|x|facebook|tiktok|youtube|threads|bluesky)\s*:\s*@[\w.]+"),
        # "Questions: coaches@club.example · Sandra and Mike": a label, an e-mail address and who answers it
        ("contact line", r"[^.!?@]{1,40}:\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b[^.!?]{0,80}"),
        # A page's own footer line: "Last updated: 3 June 2024 · Edit this page on GitHub · View history".
        ("page footer", r".*\bedit this page\b.*|view (?:page )?history"),
        ("page footer", r"last (?:updated|modified|edited)\s*:?[^.!?]{0,30}"),
    ]
]
# A plain-text heading set off by marks on both sides: "** THE 3-PHASE PLAN **", "=== Week 1 ===".
DECORATED_HEADING = re.compile(r"\s*([*=#~_-]{2,})\s*([^*=#~_\s].*?)\s*\1\s*")
# An e-mail's closing: a short valediction ending in a comma ("Keep moving,", "Yours,") over the sender's name
# alone on the next line; what follows it and starts with that name is the signature ("Dave Whitcombe / Coach").
VALEDICTION = re.compile(r"(?-i:[A-Z])[\w'’]*(?: [\w'’]+){0,3},")
SENDER = re.compile(r"(?-i:[A-Z])[\w.'’-]*(?: (?-i:[A-Z])[\w.'’-]*){0,2}")
# The signature delimiter ("-- " alone on a line): what follows is the sender's signature and the list's footer.
SIGNATURE_DELIMITER = re.compile(r"--\s*")
POST = "post"  # the voice of a forum post: a poster's words, not the document's advice
# A rule between a forum's posts ("-----"): a signature ("--" and the lines after it) ends there.
SEPARATOR = re.compile(r"[-_=*~]{5,}")
POSTER_WORDS = 3  # a poster's name left over its details is at most this long
# A reply's quotation of the message before it: "On 31 Mar 2024, at 09:14, Sue <sue@...> wrote:".
REPLY_INTRO = re.compile(r"on\b.{4,120}\bwrote:\s*", re.IGNORECASE)
# Plain text's underline under a heading ("Week 1" over "======" or "------"): Markdown's setext heading, and how
# a text e-mail or a README marks one.
UNDERLINE = re.compile(r"\s*(?:={3,}|-{3,})\s*")
# A postal address (a sender's, a newsletter's footer): a street's number and name, or a UK or US postcode.
STREET = r"\b\d{1,5}[A-Za-z]?,? (?:[A-Z][\w'-]+ ){1,3}(?:Lane|Road|Street|St|Avenue|Ave|Drive|Way|Close|Place|Court)\b"
POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b|\b[A-Z]{2} \d{5}(?:-\d{4})?\b"
POSTAL_ADDRESS = re.compile(rf"{STREET}|{POSTCODE}")
ADDRESS_LINES = 4  # an address block is this short, and none of its lines ends a sentence
# A letter's header: a block of two or more "Subject:", "From:", "To:" ... lines.
EMAIL_HEADER = re.compile(r"\s*(?:subject|from|to|cc|bcc|date|sent|reply-to)\s*:\s*\S.*", re.IGNORECASE)

# The banner's buttons as sentences of its paragraph.
COOKIE_BUTTONS = [
    re.compile(rf"^\s*(?:{pattern.pattern})\W*$", re.IGNORECASE)
    for name, pattern in LINE_RULES
    if name == "cookie banner"
]

# A one-line block describing a picture (alt text left by the scrape): no sentence punctuation, and either
# named as a picture or a scene of people doing something ("A woman running on a trail"); a heading
# about people ("People who stand all day") has no "-ing" scene in it and stays.
IMAGE_CAPTION = re.compile(
    r"(?:image|photo|picture)\b[^.!?:]*"
    r"|(?:people|a (?:man|woman|person|runner|group))\b(?![^.!?:]*\b(?:who|that|which)\b)[^.!?:]*\b\w{2,}ing\b[^.!?:]*",
    re.IGNORECASE,
)

# A heading that opens a sponsor list: it and the short lines or lists under it are dropped.
SPONSOR_HEADING = re.compile(r".*\bsponsors?\b.*", re.IGNORECASE)

# A label standing alone that marks what follows as an advertisement ("ADVERTISEMENT", "Sponsored content",
# "Advertisement - scroll to continue"). The word inside a sentence is not a label and stays.
ADVERT_LABEL = re.compile(
    r"[\W_]*(?:advertisement|advertising|ads?|sponsored(?: content| post)?|paid (?:content|partnership|post)|promoted)"
    r"(?:\s*[-–—:]\s*(?:scroll|continue|story|article)\b.*)?[\W_]*",
    re.IGNORECASE,
)

# What an advertisement under that label says: it sells or sends the reader elsewhere.
ADVERT_SENTENCE = re.compile(
    r"\bfree\b|\bsign up\b|\bnewsletter\b|\bsubscribe\b|\bdownload\b|\bshop\b|\bbuy\b|\bdiscount\b|\d+% off\b"
    r"|\bsale\b|\bpromo(?:tion)? code\b|\blimited time\b|\bget (?:our|your)\b|\border (?:now|today)\b",
    re.IGNORECASE,
)

# A heading over readers' comments ("2 Comments", "Leave a Reply"): what a reader wrote is not the document's
# advice. Everything under it goes, the commenters' "Name · 4 March 2024 at 07:12" lines included, up to a
# heading that is neither.
COMMENTS_HEADING = re.compile(
    r"(?:\d+\s+)?(?:comments?|responses?|replies|reader comments)(?:\s*\(\d+\))?"
    r"|(?:leave|post|add|write) a (?:reply|comment)|join the (?:discussion|conversation)",
    re.IGNORECASE,
)
DATED = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}\b|\b[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
    r"|\b\d{1,2}:\d{2}\b|\b\d+\s+(?:minutes?|hours?|days?|weeks?|months?)\s+ago\b"
)
# An author's box under a post ("About the author", then a paragraph about them): the writer's biography, and a
# book's list of the author's other books.
AUTHOR_HEADING = re.compile(
    r"about the (?:author|writer)s?|about (?:me|us)|meet the (?:author|coach)"
    r"|(?:also|other books|more books) by\b.{1,40}",  # an e-book's back matter: "Also by Maya Okafor"
    re.IGNORECASE,
)
REPLY_FORM = re.compile(r"\b(?:name|e-?mail|website|comment)\s*\*", re.IGNORECASE)  # "Name * | Email *"
# A writer's own task list ("To do", then "- [ ] film landing"): the tasks are notes to self, not advice.
TODO_HEADING = re.compile(r"to-?\s?dos?|tasks|action items|next actions|inbox", re.IGNORECASE)

# A heading over a list of works cited: the citations are no advice (the heading after them ends the list).
REFERENCES_HEADING = re.compile(r"(?:references?|bibliography|works cited|citations|sources)\s*:?", re.IGNORECASE)

# A heading that opens a list of links to the site's other pages. A heading naming what the document itself
# lists ("Related stretches") is not one of these, and only a list of short titles under it goes.
RELATED_HEADING = re.compile(
    r"(?:related|similar|popular|recent|latest|trending|recommended|more)"
    r" (?:posts|articles|stories|reads|reading|videos)(?: (?:from|on|for) .*)?"
    r"|you(?:'ll| may| might)(?: also)? (?:like|enjoy)|recommended for you|read (?:next|this next)"
    r"|keep reading|don'?t miss",
    re.IGNORECASE,
)

# A cookie or consent banner's sentence: it names cookies and asks for consent or speaks of the site. Both
# are needed, so cookies as food ("oat cookies before a long run, in my experience") stay.
COOKIE_SENTENCE = re.compile(
    r"(?=.*\bcookies?\b)(?=.*(?:\b(?:accept|consent|agree|preferences|privacy|browse|browsing)\b"
    r"|\b(?:our|this) (?:web)?site\b|\b(?:your|user|browsing) experience\b|\buse of cookies\b"
    r"|\bcookie (?:settings|policy|notice)\b))",
    re.IGNORECASE | re.DOTALL,
)

# Sentences that sell or redirect rather than inform. A paragraph made mostly of them is dropped whole.
# "Sign up" alone is advice too ("Sign up for a local 5K"); only signing up to the site's own list sells.
CALL_TO_ACTION_SENTENCE = re.compile(
    r"click the button|free copy|free ebook|free resources|follow .{0,40} on instagram"
    r"|send (?:him|her|me|us) an email|online membership|\bsubscribe\b|piqued your interest"
    r"|sign up (?:here|below|now|today|for (?:our|my|the) (?:newsletter|mailing list|email list|list|course))"
    # a show's sign-off: "That's all we have time for today", "Keep sending those questions in"
    r"|that'?s all (?:we have )?(?:the )?time (?:we have )?for|keep (?:sending|the) (?:\w+ )?questions (?:in|coming)"
    r"|thanks for (?:listening|watching|tuning in)|see you (?:all )?next (?:week|time|episode)"
    r"|\blet (?:me|us) know (?:in|down in|below in) the comments\b"
    r"|book a free \S+ (?:call|consult\w*|session)"
    # a newsletter's footer and sign-off: "Unsubscribe here", "You are receiving this email because ..."
    r"|\bunsubscribe\b|\byou(?: are|'re) rec(?:ei|ie)ving this\b|\bthese emails\b"
    r"|\bthat'?s (?:it|all) (?:from me|for (?:this|today)\b)|^next (?:issue|week|month|time)\s*:"
    # a sponsor read: "This video is sponsored by ...", "code RAY15 gets you fifteen percent off", "link in the
    # description"
    r"|\b(?:video|episode|show|podcast|post|newsletter|channel)\b[^.!?]{0,20}\b(?:sponsored|brought to you) by\b"
    r"|\b(?:discount |promo )?code \w+ (?:gets|saves|for)\b|\b(?:percent|%) off\b"
    r"|\blinks? (?:is |are )?(?:in|below) (?:the|my) description\b"
    # a sign-up box: "Join 14,000+ runners and get our weekly tips ... straight to your inbox. No spam, ever."
    r"|\bjoin [\d,.]+k?\+? (?:other )?(?:runners|readers|subscribers|athletes)\b|\b(?:straight )?(?:to|in) your inbox\b"
    r"|\bno spam\b|\bcan (?:assess|see) you (?:this|next) week\b|\bbook (?:online|now|today)\b",
    re.IGNORECASE,
)

# What a document says of itself, not of its subject: "Updated March 2024.", "Feel free to print, please don't
# edit.", "Handout from Claire Dunmore, MCSP.", its disclaimer and where to book (sentence by sentence: the
# paragraph around them stays).
DOCUMENT_NOTE = re.compile(
    r"^(?:last\s+)?(?:updated|revised|reviewed|published|posted)(?:\s+on)?\b[^.!?]{0,30}\b(?:19|20)\d\d\b[^.!?]{0,20}[.!]?$"
    r"|\bfeel free to (?:print|share|copy|forward|pass)\b"
    r"|^(?:an?\s+)?(?:handout|notes|slides|leaflet|booklet|sheet)\s+(?:from|by)\s+(?-i:[A-Z])"
    # a disclaimer, and how to book: "This handout is general information and does not replace an individual
    # assessment.", "Bookings: clinic.com or call reception.", "14 Gully Road, Belgrave VIC 3160."
    r"|^(?:the information in )?this (?:handout|leaflet|sheet|booklet|document|guide|page|post|article|e-?mail"
    r"|newsletter|video|episode)\b[^.!?]{0,80}"
    r"\b(?:general information|not (?:a )?substitute|(?:does not|doesn't|is not meant to) replace|not medical advice)"
    r"|^(?:bookings?|appointments?|enquiries|to book)\b\s*:"
    r"|^\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:road|rd|street|st|avenue|ave|lane|drive|way|court),"
    # a sender's postal address after its name: "Hilltop Coaching, 14 Mill Lane, Hebden Bridge, HX7 8AD"
    r"|^[^.!?]{0,60},\s*\d{1,5}\s+(?-i:(?:[A-Z][a-z]+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Drive|Way|Court"
    r"|Close|Place|Square)),(?:[^,.!?]+,){1,4}[^,.!?]+\.?$"
    # a reading time or an affiliate disclosure in a post's header line ("Posted in Strength · 6 min read ·
    # This post contains affiliate links."), and a transcript's note on itself
    r"|\b\d+[ -]?min(?:ute)?s?\.? read\b|\baffiliate links?\b|\bearn (?:a )?(?:small )?commission\b"
    r"|\btranscript (?:is )?(?:auto-?generated|automatically generated|machine-generated)|^may contain errors"
    r"|^transcript\b[^.!?]{0,30}\b(?:auto-?generated|lightly edited|edited for)\b|^full (?:episode|video|interview)\b"
    r"|^auto-?generated (?:captions|subtitles|transcript)\b|^timestamps are approximate",
    re.IGNORECASE,
)

# Pinterest "pin it" tokens glued into the text by the scrape, e.g. "glutealGlute-Exercises-Pinterest".
EMBED_TOKEN = re.compile(r"[A-Z][A-Za-z]*(?:-[A-Za-z]+)*-Pinterest\b")

# A Markdown "*" or "-" bullet is followed by a space; "**Tip:** ..." opens a bold word, not a list. A word
# processor's second-level bullet saved as text is a lower-case "o".
BULLET = re.compile(r"^\s*(?:[•·▪‣◦]|[*o-](?=\s)|\d{1,2}[.)](?=\s))\s*")
# A printed page's number, standing alone or closing its footer line ("... Sat 9am-1pm    Page 1 of 3").
PAGE_MARK = re.compile(r"(?:.*\s)?page\s+\d{1,4}\s+of\s+\d{1,4}|page\s+\d{1,4}|[-–]\s*\d{1,4}\s*[-–]", re.IGNORECASE)
FURNITURE_REACH = 3  # lines from a page break (or the document's ends) where a running header or footer sits
NAME_WORDS = 6  # a numbered line this short, with its description indented under it, names what it describes
# An en dash opens a list item only when two or more lines open with one and no other bullet does: a "– [Name]"
# line under a "•" item attributes its quote.
DASH_ITEM = re.compile(r"^(\s*)–(?=\s)")
MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
# A folded section's title, as a notes app exports it: a bullet and a disclosure triangle over the indented text.
TOGGLE = re.compile(r"^\s*(?:[-*•]\s+)?[▸▶►▹▷]\s*(?=\S)")
# A notes app's page properties under the title ("Created: March 3, 2024 8:14 PM", "Status: Draft"): a block
# of two or more such lines is the page's metadata, not its text.
PROPERTY = re.compile(
    r"\s*(?:created(?: by| time| on)?|last edited(?: by| time)?|last modified|updated|status|owner|assignee|tags"
    r"|author|date|published|reviewed)\s*:\s*[^.!?]{1,50}",
    re.IGNORECASE,
)
# Pictographs ("💡", "⚠️", "🩺") that callouts and chat put before text: no part of a sentence.
EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+\s*")
LABEL_ONLY = re.compile(r"[A-Z][\w &/'’()-]{0,30}:")  # a label alone on its line, over what it labels ("How to:")
TABLE_RULE = re.compile(r"\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-{0,}:?\s*\|?")  # "|------|:---:|" under a header
# A transcript's or an FAQ's question line ("Q: How do I ...?") heads the answer below it, as a heading does:
# its passage then starts at the question and carries it as its section, and no answer quotes the asker's
# words as advice. The answer's own "A:" goes; its words stay.
QUESTION_LINE = re.compile(r"^\s*(?:Q|Question)\s*[:.)-]\s+(?=\S)", re.IGNORECASE)
ANSWER_LINE = re.compile(r"^\s*(?:A|Answer)\s*[:.)-]\s+(?=\S)", re.IGNORECASE)
# A transcript's turn opens with its speaker's label ("HOST:", "Jess:", "Dr Sam Lindqvist:"). The asking
# speaker's question heads the answer under it, as "Q:" does; the label goes and so does what the asker says
# besides questions (a welcome, a sponsor read): the advice is the guest's.
SPEAKER = re.compile(r"^\s*(?:\*\*|__)?([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2})\s*(?:\*\*|__)?:(?:\*\*|__)?\s+(?=\S)")
# One speaker's label opening this many long turns is a monologue's ("**Coach:** So why does it matter ...").
# A handout's own labels ("Tip:", "Dose:") open short lines, and a few are named here as never a speaker.
MONOLOGUE_TURNS = 3
NOT_SPEAKERS = frozenset(
    "note notes tip tips dose sets reps easier harder progress regress cue cues caution warning equipment tempo "
    "rest question answer example step summary why how what".split()
)
TIMESTAMP = re.compile(r"\s*(?:[•*-]\s*)?\[\d{1,2}:\d{2}(?::\d{2})?\]\s*")
QUOTE_MARK = re.compile(r"\s{0,3}>\s?")  # "> " before a quoted line (Markdown, e-mail, a forum's blockquote)
QUOTED_WORDS = 4  # a part of a paragraph this long, already in the document, is quoted from it
# A video's transcript as its page lets it be copied: a bare time ("1:18") over each caption line, the captions
# machine-made, lower case and unpunctuated. Their lines make one text, read in the chapters its description
# lists ("1:18 Dead bug" before the transcript), each chapter a section; timestamps and the list itself go.
CAPTION_TIME = re.compile(r"\s*(\d{1,2}(?::\d{2}){1,2})\s*")
CAPTION_CHAPTER = re.compile(r"\s*(\d{1,2}(?::\d{2}){1,2})\s+(\S.{0,80})")
MIN_CAPTIONS = 10  # bare times; fewer, and they are a handout's lines ("0:30" rest), not a transcript's layout
CHAPTER_WORDS = 12  # a show-notes chapter's title is at most this long; a transcript's turn is longer or labelled
SPEAKER_MIN_TURNS = 2  # a label opening fewer turns is a label in running text ("Note: ...")
ASKER_QUESTION_SHARE = 0.5  # the asker's turns that hold a question; a guide's "Harder: ..." lines hold none
PROMPT_WORDS = 25  # an asker's turn this short heads the answer whole, question or not ("I tried that one ...")
STAGE_DIRECTION = re.compile(r"\[(?:[a-z][a-z ]{0,30})\]\s*")  # "[laughs]", "[intro music]"
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")  # an image: its alt text is no part of the text
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# A notes app's link to another note, "[[Kettlebell plan]]" or "[[Kettlebell plan#Week 2|the plan]]": its shown
# words stay; an embedded file ("![[calf-raise.png]]") is no text.
WIKILINK = re.compile(r"(!?)\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
# A note's tag, "#calves" or "#training/strength", not a heading's "# " nor "#1".
HASHTAG = re.compile(r"(?<![\w&#/])#[A-Za-z][\w/-]*")
# An Obsidian callout's first line after its "> ": "[!warning] Achilles red flags" (a title, or none).
CALLOUT = re.compile(r"\s*\[!([A-Za-z][\w-]*)\][+-]?[ \t]*")
TASK_BOX = re.compile(r"\[[ xX]\]\s+")  # "- [x] Double-leg on a step": a task list's box before its item
# A query a notes app runs to list other notes ("```dataview" ... "```"): no text of the note's own.
QUERY_FENCE = re.compile(r"\s*(?:```|~~~)\s*(?:dataview(?:js)?|query|tasks|base)\b.*", re.IGNORECASE)
FENCE = re.compile(r"\s*(?:```|~~~)\s*")
# Emphasis marks hug their words; a lone "*" between spaces ("3 * 10") or inside a name (snake_case) is no mark.
MARKDOWN_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
MARKDOWN_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])")


@dataclass(frozen=True)
class Block:
    """A unit of clean text: 'heading', 'paragraph' or 'list', with its span in the source text."""

    kind: str
    text: str
    start: int
    end: int
    after_gap: bool = False  # two or more blank lines before it: a lost heading or a change of topic
    # Whose words the text under a heading is: "" for the document's own, "post" for a forum post's (a heading
    # naming its poster), which answers weigh below the document's own advice.
    voice: str = ""
    level: int = 0  # a heading's depth when its source marks it ("## Goblet squat": 2); 0 when unknown


@dataclass(frozen=True)
class Dropped:
    """What a rule removed, kept for reports and tests."""

    rule: str
    text: str


@dataclass
class CleanText:
    blocks: list[Block] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


@dataclass(frozen=True)
class SiteResidue:
    """Residue of particular sites, from the corpus author: whole lines, and phrases marking a selling sentence."""

    lines: tuple[re.Pattern[str], ...] = ()
    sentences: tuple[re.Pattern[str], ...] = ()

    @property
    def key(self) -> str:
        """The rules as text, for a document's fingerprint: edited rules mean the documents are cleaned again."""
        return "\n".join(p.pattern for p in (*self.lines, *self.sentences))


NO_SITE_RESIDUE = SiteResidue()


def clean(
    text: str,
    *,
    start: int = 0,
    title: str = "",
    site: SiteResidue = NO_SITE_RESIDUE,
    posters: frozenset[str] = frozenset(),
) -> CleanText:
    """Clean `text[start:]` into blocks; `title` lets a repeat of the document title be dropped; `posters`
    are headings the loader knows to be forum posters' names (a saved page's poster markup)."""
    result = CleanText()
    section: tuple[str, Callable[[Block], bool]] | None = None  # the residue section we are in, if any
    line_rules = LINE_RULES + [("site residue", pattern) for pattern in site.lines]
    line_rules += [("page furniture", pattern) for pattern in _page_furniture(text[start:])]
    if title and not title.endswith(
        (".", "!", "?")
    ):  # the title again as the first line of a paragraph ("EPISODE 112: Core" over the show's note)
        line_rules.append(("title repeat", re.compile(r"\s+".join(map(re.escape, title.split())), re.IGNORECASE)))
    raw_blocks = _raw_blocks(text, start, result.dropped)
    speakers, asker = _speakers(raw_blocks)
    signer = ""  # the sender's name right after an e-mail's closing: the signature under it starts with it
    signature = False  # inside a signature: from its "--" to the next rule between posts, or to the end
    quoting = False  # inside the message a reply quotes, under its "On ... wrote:" line
    for number, raw in enumerate(raw_blocks):
        first = raw.lines[0][0].strip()
        signature = (signature and not SEPARATOR.fullmatch(first)) or bool(SIGNATURE_DELIMITER.fullmatch(first))
        if signature:
            result.dropped.extend(Dropped("signature", line.strip()) for line, _, _ in raw.lines)
            continue
        if len(raw.lines) >= 2 and all(PROPERTY.fullmatch(line) for line, _, _ in raw.lines):
            result.dropped.extend(Dropped("page properties", line.strip()) for line, _, _ in raw.lines)
            continue
        if len(raw.lines) >= 2 and all(EMAIL_HEADER.fullmatch(line) for line, _, _ in raw.lines):
            result.dropped.extend(Dropped("email header", line.strip()) for line, _, _ in raw.lines)
            continue
        quoting = quoting and raw.quoted
        if quoting:  # the quoted message's further paragraphs
            result.dropped.extend(Dropped("quoted message", line.strip()) for line, _, _ in raw.lines)
            continue
        if REPLY_INTRO.fullmatch(first):
            following = raw_blocks[number + 1] if number + 1 < len(raw_blocks) else None
            if raw.quoted or (following is not None and following.quoted):
                # the earlier message's lines marked "> ": they go, and a reply written under them stays
                result.dropped.extend(Dropped("quoted message", line.strip()) for line, _, _ in raw.lines)
                quoting = True
                continue
            # the earlier message unmarked under the reply: nothing after the line is the reply's text
            rest = [line.strip() for later in raw_blocks[number:] for line, _, _ in later.lines]
            result.dropped.extend(Dropped("email footer", line) for line in rest)
            break
        if len(raw.lines) == 2 and UNDERLINE.fullmatch(raw.lines[1][0]) and _could_head(first):
            (line, line_start, line_end), (underline, _, _) = raw.lines
            result.dropped.append(Dropped("underline", underline.strip()))
            level = 1 if "=" in underline else 2
            heading = Block("heading", _tidy(line), line_start, line_end, raw.after_gap, level=level)
            section = _keep(heading, section, title, site, result)
            continue
        if closing := _closing(raw):
            result.dropped.append(Dropped("sign-off", " ".join(line.strip() for line, _, _ in raw.lines)))
            signer = closing
            continue
        signed, signer = signer, ""
        if signed and raw.lines[0][0].strip().startswith(signed):  # only right under the closing
            result.dropped.append(Dropped("signature", " ".join(line.strip() for line, _, _ in raw.lines)))
            continue
        label = SPEAKER.match(raw.lines[0][0]) if asker or len(speakers) == 1 else None
        if label and label[1] in speakers:
            section = _keep(_turn(raw, label, asker, result.dropped), section, title, site, result)
            continue
        seen = len(result.dropped)
        lines = _drop_residue_lines(raw.lines, line_rules, result.dropped)
        if not lines:
            continue
        if _is_address(lines):
            result.dropped.extend(Dropped("postal address", line.strip()) for line, _, _ in lines)
            continue
        if poster := _poster(lines, result.dropped[seen:]):
            section = _keep(poster, section, title, site, result)
            continue
        for block in _question_and_answer(lines, raw.after_gap) or _classified(lines, raw.after_gap, result.dropped):
            if block is not None and block.kind == "heading" and block.text in posters:
                block = replace(block, voice=POST)
            if raw.quoted and block is not None and _repeats_earlier(block, result.blocks):
                result.dropped.append(Dropped("repeated quote", block.text))
                continue
            section = _keep(block, section, title, site, result)
    return result


def _poster(lines, dropped: list[Dropped]) -> Block | None:
    """A forum post's author as a heading: the name left alone on its lines once the poster's details under it
    went ("tempo_tom" over "Joined: Mar 2019 | Posts: 412"), so each post is a section named by who wrote it."""
    name, start, end = lines[0]
    if len(lines) != 1 or not any(d.rule == "post details" for d in dropped) or len(name.split()) > POSTER_WORDS:
        return None
    return Block("heading", _tidy(name), start, end, voice=POST)


def _is_address(block_lines) -> bool:
    """A block of a few lines, no sentence among them, that gives a postal address."""
    lines = [line.strip() for line, _, _ in block_lines]
    return (
        len(lines) <= ADDRESS_LINES
        and not any(line.endswith((".", "!", "?", ":")) for line in lines)
        and any(POSTAL_ADDRESS.search(line) for line in lines)
    )


def _closing(raw: "_RawBlock") -> str:
    """The sender's name when the block is an e-mail's closing ("Keep moving," over "Dave"), else ""."""
    if len(raw.lines) != 2:
        return ""
    valediction, name = (line.strip() for line, _, _ in raw.lines)
    if VALEDICTION.fullmatch(valediction) and SENDER.fullmatch(name):
        return name.split()[0]
    return ""


def _speakers(blocks) -> tuple[set[str], str | None]:
    """A transcript's speaker labels (two or more, each opening at least two turns) and the asking speaker's:
    the one whose turns most often hold a question, if at least half of them do. No asker when the document is
    not a transcript ("Q:"/"A:" documents are read by `_question_and_answer`)."""
    turns: Counter[str] = Counter()
    asking: Counter[str] = Counter()
    long: Counter[str] = Counter()
    for block in blocks:
        if _labelled_lines(block.lines) >= 2:  # "**Muscles:** ..." over "**Equipment:** ...": a card's fields
            continue
        if (match := SPEAKER.match(block.lines[0][0])) and not QUESTION_LINE.match(block.lines[0][0]):
            said = " ".join(line for line, _, _ in block.lines)
            turns[match[1]] += 1
            asking[match[1]] += "?" in said
            long[match[1]] += len(said.split()) > CHAPTER_WORDS
    labels = [label for label, count in turns.items() if count >= SPEAKER_MIN_TURNS]
    if len(labels) == 1 and long[labels[0]] >= MONOLOGUE_TURNS and labels[0].lower() not in NOT_SPEAKERS:
        return set(labels), None  # one voice: its label goes, its words stay
    if len(labels) < 2:
        return set(), None
    asker = max(labels, key=lambda label: asking[label] / turns[label])
    return set(labels), (asker if asking[asker] / turns[asker] >= ASKER_QUESTION_SHARE else None)


def _turn(raw: "_RawBlock", label: re.Match, asker: str, dropped: list[Dropped]) -> Block | None:
    """A transcript's turn, opened by its speaker's `label`: the asker's question as a heading, anyone's answer
    as a paragraph, without the label and stage directions; None for a turn that goes."""
    first, start, _ = raw.lines[0]
    text = STAGE_DIRECTION.sub("", " ".join([first[label.end() :], *(line for line, _, _ in raw.lines[1:])]))
    text, start, end = _tidy(text), start + label.end(), raw.lines[-1][2]
    if not text:
        return None
    if label[1] != asker:
        return Block("paragraph", text, start, end, raw.after_gap)
    if len(text.split()) <= PROMPT_WORDS:  # "Okay, the big one. Minimalist shoes. Should they switch?"
        return Block("heading", text, start, end, raw.after_gap)
    # A long turn: only the questions at its end ("... use code LONGRUN. Okay. Why should runners care?").
    sentences = split_sentences(text)
    tail = len(sentences)
    while tail and sentences[tail - 1].endswith("?"):
        tail -= 1
    dropped.append(Dropped("interviewer", " ".join(sentences[:tail])))
    asked = " ".join(sentences[tail:])
    return Block("heading", asked, start, end, raw.after_gap) if asked else None


def _keep(block: Block | None, section, title: str, site: SiteResidue, result: CleanText):
    """Add a block to the result unless a rule drops it; returns the residue section open after it (a sponsor
    list, an advert, related posts: the blocks under such a heading go with it), None when none is."""
    if block is None:
        return section
    if opened := _residue_section(block):
        result.dropped.append(Dropped(opened[0], block.text))
        return opened
    if title and _repeats_title(block, title):
        result.dropped.append(Dropped("title repeat", block.text))
        return section
    if section and section[1](block):
        result.dropped.append(Dropped(section[0], block.text))
        return section
    if block.kind != "list":
        block = _drop_cookie_sentences(block, result.dropped)
    if block is not None and block.kind == "paragraph":
        block = _drop_call_to_action_sentences(block, site.sentences, result.dropped)
    if block is not None and block.kind == "paragraph" and DOCUMENT_NOTE.search(block.text):
        block = _drop_sentences(block, [DOCUMENT_NOTE], "document note", result.dropped, whole_when_most=False)
    if block is not None:
        result.blocks.append(block)
    return None


def _repeats_earlier(block: Block, earlier: list[Block]) -> bool:
    """Whether every part of a quotation is already in the document: a reply quoting the post it answers
    ("> Honestly mate just tape your ankles ... that's all physio marketing."), cut at its ellipses. A
    handout's own repeated line ("Make it harder: do it on one leg.") is no quotation and stays."""
    parts = [bare(part) for part in re.split(r"\.\.\.|…", block.text)]
    parts = [part for part in parts if len(part.split()) >= QUOTED_WORDS]
    if not parts:
        return False
    seen = " ".join(bare(other.text) for other in earlier)
    return all(part in seen for part in parts)


def _question_and_answer(lines, after_gap: bool) -> list[Block]:
    """A question line ("Q: ...") as a heading, and an answer under it ("A: ...", "A" dropped) as a paragraph;
    empty when the block does not open with either."""
    first, start, _ = lines[0]
    if not (question := QUESTION_LINE.match(first)) and not ANSWER_LINE.match(first):
        return []
    if not question:  # "A: ..." alone: the answer, its text from after the "A:" (and any later line's "A:")
        cut = ANSWER_LINE.match(first).end()
        rest = [(first[cut:], start + cut, lines[0][2]), *lines[1:]]
        text = " ".join(ANSWER_LINE.sub("", line) for line, _, _ in rest)
        return [Block("paragraph", _tidy(text), start + cut, lines[-1][2], after_gap)]
    answer = next((i for i, (line, _, _) in enumerate(lines) if i and ANSWER_LINE.match(line)), len(lines))
    asked = " ".join(line for line, _, _ in lines[:answer])[question.end() :]
    blocks = [Block("heading", _tidy(asked), start + question.end(), lines[answer - 1][2], after_gap)]
    return blocks + (_question_and_answer(lines[answer:], False) if answer < len(lines) else [])


@dataclass
class _RawBlock:
    lines: list[tuple[str, int, int]]  # (line text, start offset, end offset)
    after_gap: bool
    quoted: bool = False  # its lines were marked "> ": a quotation (an e-mail's, a forum reply's)


def _raw_blocks(text: str, start: int, dropped: list[Dropped]) -> list[_RawBlock]:
    """Group lines into blocks separated by blank lines, remembering where each line sits. A transcript's turn
    loses the timestamp it opens with ("[00:14:32] GUEST: ..."); a chapter list's short "[12:05] Topic." line
    keeps it, for the line rules to drop. A video's captions (see CAPTION_TIME) are one block a chapter, under
    the chapter's title as the description's list gives it."""
    blocks: list[_RawBlock] = []
    current: list[tuple[str, int, int]] = []
    blank_run = 0
    position = start
    query = False  # inside a notes app's query block
    chapters = _caption_chapters(text[start:], start)
    for line in text[start:].splitlines(keepends=True):
        content = line.rstrip("\r\n")
        if query or QUERY_FENCE.fullmatch(content):
            query = not (query and FENCE.fullmatch(content))
            dropped.append(Dropped("query block", content.strip()))
            position += len(line)
            continue
        if chapters is not None and (time := CAPTION_TIME.fullmatch(content) or CAPTION_CHAPTER.fullmatch(content)):
            position += len(line)
            if time.lastindex == 2:  # the chapter list: its titles head the captions
                dropped.append(Dropped("chapter list", content.strip()))
            elif chapters and _seconds(time[1]) >= chapters[0][0]:
                _, title, title_start = chapters.pop(0)
                blocks.append(_RawBlock([(title, title_start, title_start + len(title))], after_gap=True))
                current = []
            continue  # a caption's time goes; the caption's words run on in the block
        stamp = TIMESTAMP.match(content)
        if stamp and not content[stamp.end() :].strip():  # "[11:58]" alone over a turn: a pause, not text
            content = ""
        if stamp and _is_turn(content[stamp.end() :]):
            content, position = content[stamp.end() :], position + stamp.end()
            line = line[stamp.end() :]
        quote = QUOTE_MARK.match(content)
        if quote:
            content, position = content[quote.end() :], position + quote.end()
            line = line[quote.end() :]
        callout = bool(quote and CALLOUT.match(content))
        if content.strip():
            if not current or callout:
                current = []
                blocks.append(_RawBlock(current, after_gap=blank_run >= 2))
            blocks[-1].quoted |= bool(quote)
            current.append((content, position, position + len(content)))
            blank_run = 0
            if callout:  # its title is a block of its own, a heading over the callout's text
                current = []
        else:
            if current:
                current = []
            blank_run += 1
        position += len(line)
    return [block for block in blocks if block.lines]


def _caption_chapters(text: str, offset: int) -> list[tuple[int, str, int]] | None:
    """A video's transcript's chapters, as (start in seconds, title, where the title is in the text), in order;
    [] for captions without a chapter list, None for a text laid out otherwise."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    times = sum(bool(CAPTION_TIME.fullmatch(line)) for line in lines)
    if times < MIN_CAPTIONS or times * 3 < len(lines):
        return None
    chapters, position = [], offset
    for line in text.splitlines(keepends=True):
        if chapter := CAPTION_CHAPTER.fullmatch(line.rstrip("\r\n")):
            chapters.append((_seconds(chapter[1]), chapter[2].strip(), position + chapter.start(2)))
        position += len(line)
    return sorted(chapters)


def _seconds(time: str) -> int:
    seconds = 0
    for part in time.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def _page_furniture(text: str) -> list[re.Pattern[str]]:
    """A printed document's running header and footer, saved as text: its page number lines ("... Page 2 of
    3"), and the lines that recur word for word on two or more pages, every time within FURNITURE_REACH lines
    of a page break (a form feed, a page number line, the document's start or end). A handout's line repeated
    in its text is not at the page edges each time and stays."""
    raw_lines = text.replace("\r", "").split("\n")
    filled = [(" ".join(line.split()), "\f" in line) for line in raw_lines if line.strip(" \t\f")]
    marks = [-1, len(filled)] + [n for n, (line, breaks) in enumerate(filled) if breaks or PAGE_MARK.fullmatch(line)]
    if len(marks) == 2:
        return []
    near = [any(abs(n - mark) <= FURNITURE_REACH for mark in marks) for n in range(len(filled))]
    counts = Counter(line for line, _ in filled)
    edge = {line for line, count in counts.items() if count >= 2}
    edge -= {line for (line, _), at_edge in zip(filled, near, strict=True) if not at_edge}
    return [PAGE_MARK] + [re.compile(r"\s+".join(map(re.escape, line.split()))) for line in edge]


def _is_turn(text: str) -> bool:
    """Whether what follows a timestamp is a transcript's turn (a speaker's label, or more words than a chapter
    title has), not a show-notes chapter ("[12:05] Warming up.")."""
    return bool(SPEAKER.match(text)) or len(text.split()) > CHAPTER_WORDS


def _drop_residue_lines(lines, rules, dropped: list[Dropped]):
    kept = []
    for line, line_start, line_end in lines:
        stripped = line.strip()
        # a rule reads the line as written and as the reader sees it ("Share this post: [Twitter](...)")
        tidy = _tidy(stripped)
        rule = next((name for name, pattern in rules if pattern.fullmatch(stripped) or pattern.fullmatch(tidy)), None)
        if rule:
            dropped.append(Dropped(rule, stripped))
        else:
            kept.append((line, line_start, line_end))
    return kept


def _is_labelled(line: str) -> bool:
    """Whether a line opens with a label ("Equipment: ...") or is one ("**How to:**"), emphasis aside."""
    tidy = _tidy(line)
    return bool(LABELLED_LINE.match(tidy) or LABEL_ONLY.fullmatch(tidy))


def _labelled_lines(lines) -> int:
    """How many of the lines open with a label."""
    return sum(_is_labelled(line) for line, _, _ in lines)


def _cut_at_fields(lines) -> int:
    """Where a block written without blank lines turns to its next part: a Markdown heading line ("### Stage 1",
    then its list), a line after a heading line, or the next of two or more labelled lines ("**Muscles:** ...",
    "**Equipment:** ...", "**How to:**" over numbered steps); 0 where none."""
    labelled = _labelled_lines(lines) >= 2
    for i in range(1, len(lines)):
        if MARKDOWN_HEADING.match(lines[i][0]) or MARKDOWN_HEADING.match(lines[i - 1][0]):
            return i
        if labelled and _is_labelled(lines[i][0]):
            return i
    return 0


def _classified(lines, after_gap: bool, dropped: list[Dropped]) -> list[Block | None]:
    """The block's lines as one block, or as its lead-in line and the list right under it ("How I'd do it:"
    then "- run first, lift second" lines, with no blank line between them); a Markdown table as a list."""
    if table := _table(lines, after_gap) or _spaced_table(lines, after_gap):
        return [table]
    if cut := _cut_at_fields(lines):
        return [*_classified(lines[:cut], after_gap, dropped), *_classified(lines[cut:], False, dropped)]
    dashed = sum(bool(DASH_ITEM.match(line)) for line, _, _ in lines)
    if dashed >= 2 and not any(BULLET.match(line) for line, _, _ in lines):  # same length: the spans stay true
        lines = [(DASH_ITEM.sub(r"\1-", line), start, end) for line, start, end in lines]
    lead = _tidy(lines[0][0])
    heads = lead.endswith(":") or (not BULLET.match(lead) and _looks_like_heading(lead))
    if len(lines) >= 3 and heads and all(BULLET.match(line) for line, _, _ in lines[1:]):
        return [_classify(lines[:1], after_gap, dropped), _classify(lines[1:], False, dropped)]
    if _names_what_follows(lines):  # "1) DEAD BUG", then its description indented under it
        first, start, end = lines[0]
        heading = Block("heading", _tidy(BULLET.sub("", first)), start + BULLET.match(first).end(), end, after_gap)
        return [heading, *_classified(lines[1:], False, dropped)]
    cut = _change_of_kind(lines)
    if cut:
        return [_classify(lines[:cut], after_gap, dropped), *_classified(lines[cut:], False, dropped)]
    return [_classify(lines, after_gap, dropped)]


def _indent(line: str) -> int:
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


def _names_what_follows(lines) -> bool:
    """A numbered or bulleted short name with the lines under it indented further: a plain-text handout's
    exercise heading ("1) DEAD BUG" over its tab-indented steps)."""
    if len(lines) < 2 or not BULLET.match(lines[0][0]) or _indent(lines[1][0]) <= _indent(lines[0][0]):
        return False
    name = _tidy(BULLET.sub("", lines[0][0]))
    named = re.sub(r"\([^)]*\)", "", name)  # "PALLOF PRESS (resistance band or cable machine)"
    return len(named.split()) <= NAME_WORDS and _looks_like_heading(name) and not name.endswith("?")


def _change_of_kind(lines) -> int:
    """Where a block's lines turn from a paragraph that ends a sentence to a list under it, or from a list to
    the labelled lines under it ("Dose: 3 sets of 8 each side.", "Easier: ..."); 0 where they do not."""
    listed = False  # a bullet seen so far
    for i in range(1, len(lines)):
        line, previous = lines[i][0], lines[i - 1][0].rstrip()
        listed = listed or bool(BULLET.match(lines[i - 1][0]))
        if BULLET.match(line) and not listed and previous.endswith((".", ":", "!", "?")):
            return i
        labelled = not BULLET.match(line) and LABELLED_LINE.match(line.strip())
        if listed and labelled and previous.endswith((".", "!", "?")):
            return i
    return 0


def _table(lines, after_gap: bool) -> Block | None:
    """A Markdown table (a header row, a |---| row, then rows) as a list, one item a row, each cell named by
    its column: "Week: 3-4; Focus: Slow strength; Sessions per week: 2-3." None for anything else."""
    rows = [line.strip() for line, _, _ in lines]
    if len(rows) < 3 or not all(row.startswith("|") for row in rows) or not TABLE_RULE.fullmatch(rows[1]):
        return None
    header, *body = [[_tidy(cell) for cell in row.strip("|").split("|")] for row in rows[:1] + rows[2:]]
    items = []
    for cells in body:
        named = [f"{name}: {cell}" if name else cell for name, cell in zip(header, cells, strict=False) if cell]
        if named:
            items.append("; ".join(named) + ".")
    text = "\n".join(f"- {item}" for item in items)
    return Block("list", text, lines[0][1], lines[-1][2], after_gap) if text else None


def _spaced_table(lines, after_gap: bool) -> Block | None:
    """A table laid out with spaces in a text file (a header row of three or more short column names, then
    rows with a cell under each), as `_table` reads a Markdown one. A row whose first cell is empty continues
    the row above ("1-2   1, 2, 3, 4 ..." then "      2 sets each ..."). None for anything else."""
    rows = [line.expandtabs(8).rstrip() for line, _, _ in lines]
    starts = [match.start() for match in re.finditer(r"(?:^|(?<=\s\s))\S", rows[0])]
    names = [rows[0][a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
    if len(rows) < 3 or len(names) < 3 or any(len(name.split()) > 3 for name in names) or BULLET.match(rows[0]):
        return None
    table: list[list[str]] = []
    for row in rows[1:]:
        if any(row[start - 1 : start] not in ("", " ") for start in starts[1:] if start <= len(row)):
            return None  # a word runs across a column's edge: not laid out in these columns
        cells = [row[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        if sum(bool(cell) for cell in cells) < 2 and table:
            return None
        if cells[0] or not table:
            table.append(cells)
        else:
            table[-1] = [" - ".join(part for part in pair if part) for pair in zip(table[-1], cells, strict=True)]
    items = ["; ".join(f"{name}: {cell}" for name, cell in zip(names, row, strict=True) if cell) + "." for row in table]
    return Block("list", "\n".join(f"- {item}" for item in items), lines[0][1], lines[-1][2], after_gap)


def _classify(lines, after_gap: bool, dropped: list[Dropped]) -> Block | None:
    start, end = lines[0][1], lines[-1][2]
    first = lines[0][0]
    if len(lines) == 1 and MARKDOWN_HEADING.match(first):
        level = len(first.lstrip()) - len(first.lstrip().lstrip("#"))
        return Block("heading", _tidy(MARKDOWN_HEADING.sub("", first)), start, end, after_gap, level=level)
    if len(lines) == 1 and (callout := CALLOUT.match(first)):  # "[!tip] Slow lowering" heads the callout's text
        title = _tidy(first[callout.end() :])
        return Block("heading", title, start + callout.end(), end, after_gap) if title else None
    if len(lines) == 1 and (toggle := TOGGLE.match(first)):  # "- ▸ Why does stiffness matter?" over its answer
        return Block("heading", _tidy(first[toggle.end() :]), start, end, after_gap)
    decorated = DECORATED_HEADING.fullmatch(first) if len(lines) == 1 else None
    if decorated and _looks_like_heading(_tidy(decorated[2])):
        return Block("heading", _tidy(decorated[2]), start, end, after_gap)
    if len(lines) == 1 and not BULLET.match(first):
        stripped = _tidy(first)
        if IMAGE_CAPTION.fullmatch(stripped) and len(stripped.split()) >= 4:
            dropped.append(Dropped("image caption", stripped))
            return None
        if _looks_like_heading(stripped):
            return Block("heading", stripped, start, end, after_gap)
    if BULLET.match(first):
        return _list_block(lines, after_gap, dropped)
    return Block("paragraph", _tidy(join_lines(line for line, _, _ in lines)), start, end, after_gap)


def _could_head(line: str) -> bool:
    """Whether an underlined line can be a heading: short, not a list item, not a sentence."""
    return len(line.split()) <= 15 and not BULLET.match(line) and not line.rstrip().endswith(".")


def _repeats_title(block: Block, title: str) -> bool:
    """The title again: as a heading, or as a line too long to be taken for one (a page's long <h1>).

    A sentence is left alone: a document without a title is given its first line as one, and that line is
    text to keep.
    """
    if block.kind == "list" or (block.kind == "paragraph" and block.text.endswith(".")):
        return False
    return bare(block.text) == bare(title)


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    if not words or len(line) > 80 or len(words) > 10:
        return False
    if not (line[0].isupper() or line[0].isdigit()):
        return False
    if line.endswith((".", ",", ";", ":")):
        return False
    # "Sets/reps: 3 x 8" or "Progress by: a higher step" is a labelled line; "Exercise 2: Side plank" a heading,
    # its label numbered, while "Equipment: A step or low box" labels a field.
    if re.search(r":\s+[a-z0-9]", line) or ((label := LABELLED_LINE.match(line)) and not re.search(r"\d", label[0])):
        return False
    # "Now Do Them!" is a heading; a short exclamation in running text rarely stands alone on a line.
    return not (line.endswith(("!", "?")) and len(words) > 5)


def _list_block(lines, after_gap: bool, dropped: list[Dropped]) -> Block | None:
    """One '- item' line per bullet; an empty item (a bullet whose link or icon was lost) goes."""
    items = _list_items(lines)
    dropped.extend(Dropped("empty list item", "-") for item in items if not item)
    text = "\n".join(f"- {item}" for item in items if item)
    return Block("list", text, lines[0][1], lines[-1][2], after_gap) if text else None


def _list_items(lines) -> list[str]:
    """One item per bullet; lines without a bullet continue the item above (e.g. a quote's author)."""
    items: list[str] = []
    for line, _, _ in lines:
        if BULLET.match(line) or not items:
            items.append(_tidy(TASK_BOX.sub("", BULLET.sub("", line), count=1)))
        else:
            items[-1] = join_lines([items[-1], _tidy(line)])
    return items


def _residue_section(block: Block) -> tuple[str, Callable[[Block], bool]] | None:
    """The rule a heading opens, with the test for what under it is still that residue; None for a real one.

    An advertisement's label opens one wherever it stands alone on its line, even read as a one-item list
    ("- Advertisement -"): the label alone is never text to keep.
    """
    if block.kind == "heading" and SPONSOR_HEADING.fullmatch(block.text):
        return "sponsor list", lambda under: _looks_like_name_list(under) or _looks_like_advert(under)
    if block.kind == "heading" and RELATED_HEADING.fullmatch(block.text):
        return "related posts", _looks_like_link_list
    if block.kind == "heading" and COMMENTS_HEADING.fullmatch(block.text):
        return "comments", lambda under: under.kind != "heading" or _comment_heading(under.text)
    if block.kind == "heading" and AUTHOR_HEADING.fullmatch(block.text):
        return "author box", lambda under: under.kind != "heading"
    if block.kind == "paragraph" and AUTHOR_HEADING.match(block.text):  # "About the author Maya Okafor is ..."
        return "author box", lambda under: under.kind != "heading"
    if block.kind == "heading" and TODO_HEADING.fullmatch(block.text):
        return "task list", lambda under: under.kind != "heading"
    if block.kind == "heading" and REFERENCES_HEADING.fullmatch(block.text):
        return "references", lambda under: under.kind != "heading"
    if "\n" not in block.text and ADVERT_LABEL.fullmatch(block.text):
        return "advertisement", _looks_like_advert
    return None


def _comment_heading(text: str) -> bool:
    """A heading inside a comments section: a commenter's name and date, or the reply form's own heading."""
    return bool(DATED.search(text) or COMMENTS_HEADING.fullmatch(text) or REPLY_FORM.search(text))


def _looks_like_name_list(block: Block) -> bool:
    """Sponsor names: a list, or short lines without sentence punctuation; a heading ends them."""
    if block.kind == "heading":
        return False
    if block.kind == "list":
        return True
    return len(block.text.split()) <= 6 and not block.text.endswith((".", "!", "?"))


def _looks_like_link_list(block: Block) -> bool:
    """Titles of other pages: a list whose every item is short and at most one sentence; a heading ends them."""
    items = [item.removeprefix("- ") for item in block.text.splitlines()]
    return block.kind == "list" and all(len(item.split()) <= 15 and len(split_sentences(item)) <= 1 for item in items)


def _looks_like_advert(block: Block) -> bool:
    """An advertisement's text: a short line (a brand), or a heading, paragraph or list mostly selling.

    The page's own text often goes on right under the label (the advert itself was a picture): it sells
    nothing, so it ends the advertisement and stays.
    """
    if block.kind == "paragraph" and _looks_like_name_list(block):
        return True
    parts = [s for line in block.text.splitlines() for s in split_sentences(line.removeprefix("- "))]
    selling = [s for s in parts if ADVERT_SENTENCE.search(s) or CALL_TO_ACTION_SENTENCE.search(s)]
    return len(selling) * 2 >= len(parts)


def _drop_cookie_sentences(block: Block, dropped: list[Dropped]) -> Block | None:
    """A consent banner's sentences go one by one: a banner glued to real text leaves the text. Its buttons'
    words ("Accept", "Manage settings") go with it when they end up in the same paragraph."""
    if not COOKIE_SENTENCE.search(block.text):
        return block
    return _drop_sentences(block, [COOKIE_SENTENCE, *COOKIE_BUTTONS], "cookie banner", dropped, whole_when_most=False)


def _drop_call_to_action_sentences(block: Block, site_phrases, dropped: list[Dropped]) -> Block | None:
    """Selling sentences go; a paragraph made mostly of them goes whole."""
    return _drop_sentences(block, [CALL_TO_ACTION_SENTENCE, *site_phrases], "call to action", dropped, True)


def _drop_sentences(block: Block, patterns, rule: str, dropped: list[Dropped], whole_when_most: bool) -> Block | None:
    """The block without its sentences matching any of `patterns`, each reported under `rule`; with
    `whole_when_most`, none of it when at least half its sentences match. None when nothing is left."""
    sentences = split_sentences(block.text)
    matching = [s for s in sentences if any(p.search(s) for p in patterns)]
    if not matching:
        return block
    if whole_when_most and len(matching) * 2 >= len(sentences):
        dropped.append(Dropped(rule, block.text))
        return None
    dropped.extend(Dropped(rule, sentence) for sentence in matching)
    kept = " ".join(s for s in sentences if s not in matching)
    return Block(block.kind, kept, block.start, block.end, block.after_gap) if kept else None


def _tidy(text: str) -> str:
    text = EMOJI.sub("", EMBED_TOKEN.sub("", text))
    text = MARKDOWN_IMAGE.sub("", text)
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = WIKILINK.sub(lambda link: "" if link[1] else (link[3] or link[2]).strip(), text)
    text = HASHTAG.sub("", text)
    text = MARKDOWN_EMPHASIS.sub(r"\2", MARKDOWN_STRONG.sub(r"\2", text))
    return re.sub(r"\s+", " ", text).strip()
