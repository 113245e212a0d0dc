"""Subtitle files (.srt, .vtt): what is said, in paragraphs, without cue numbers, times, settings or markup."""

import pytest

from assistant import subtitles
from assistant.ingest import discover, load_document
from assistant.loaders import Unreadable, load

AUTO_SRT = (
    "\ufeff1\r\n00:00:01,000 --> 00:00:04,200\r\n[Music]\r\n\r\n"
    "2\r\n00:00:04,600 --> 00:00:08,380\r\nhi everyone i'm a physio\r\nand i work with runners\r\n\r\n"
    "3\r\n00:00:08,460 --> 00:00:12,240\r\nover fifty\r\n\r\n"
    "4\r\n00:00:12,800 --> 00:00:16,100\r\nstart with both legs three sets\r\nof fifteen\r\n\r\n"
    "5\r\n00:00:16,180 --> 00:00:19,000\r\nand rest a minute\r\n\r\n"
    "6\r\n00:00:19,600 --> 00:00:23,000\r\nthe goal is twenty-\r\nfive on each side\r\n\r\n"
    "7\r\n00:00:23,600 --> 00:00:25,000\r\nthen go single leg.\r\n"
)

VTT = """WEBVTT
Kind: captions
Language: en-GB

NOTE
Recorded by the club; names added by hand.

STYLE
::cue(v[voice="Coach Dan"]) { color: yellow; }

intro-1
00:00:02.000 --> 00:00:06.500 align:start position:10% line:85%
<v Coach Dan>Right, gather round. Leg swings first,
ten each leg.

00:00:06.500 --> 00:00:09.000 align:start
<v Coach Dan>Then the lunge &amp; twist.</v>

00:09.000 --> 00:12.000
<v Jo>What if I've only got three minutes?

00:12.000 --> 00:15.000
<v Coach Dan>Then do the <i>leg swings</i> only.

00:15.000 --> 00:16.000
[laughter]
"""


def test_automatic_captions_become_sentences_at_their_pauses():
    text = subtitles.text_of(AUTO_SRT)
    assert text == (
        "Hi everyone I'm a physio and I work with runners over fifty. Start with both legs three sets of fifteen and "
        "rest a minute. The goal is twenty-five on each side. Then go single leg.\n"
    )


def test_a_webvtt_files_header_notes_styles_settings_and_tags_go_and_each_speaker_opens_a_turn():
    assert subtitles.text_of(VTT) == (
        "Coach Dan: Right, gather round. Leg swings first, ten each leg. Then the lunge & twist.\n\n"
        "Jo: What if I've only got three minutes?\n\n"
        "Coach Dan: Then do the leg swings only.\n"
    )


def test_a_rolling_captions_repeated_line_is_read_once_and_a_sound_breaks_the_paragraph():
    rolling = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nsquat to a chair\n\n"
        "00:00:03.000 --> 00:00:05.000\nsquat to a chair\nthen stand tall.\n\n"
        "00:00:05.000 --> 00:00:06.000\n♪ ♪\n\n00:00:06.000 --> 00:00:08.000\nNow the calf raise.\n"
    )
    assert subtitles.text_of(rolling) == "squat to a chair then stand tall.\n\nNow the calf raise.\n"


def test_a_video_in_the_corpus_is_read_and_its_sponsor_read_and_sign_off_go(tmp_path):
    cues = [
        "hi and welcome back",
        "this video is sponsored by flexbands they make great bands",
        "keep your pain at three out of ten or below",
        "and stop if it is sharp",
        "do three sets of fifteen calf raises",
        "lower for three seconds",
        "then bend the knee for the soleus",
        "let me know in the comments how you got on",
        "thanks for watching see you next time",
    ]
    srt = "".join(
        f"{n}\n00:00:{2 * n:02d},000 --> 00:00:{2 * n + 1:02d},000\n{cue}\n\n" for n, cue in enumerate(cues, 1)
    )
    (tmp_path / "calf-video.srt").write_text(srt)
    candidates, skipped = discover([tmp_path], tmp_path)
    assert skipped == []
    document = load_document(candidates[0])
    assert [chunk.text for chunk in document.chunks] == [
        "Hi and welcome back. Keep your pain at three out of ten or below. And stop if it is sharp. Do three sets of "
        "fifteen calf raises. Lower for three seconds. Then bend the knee for the soleus."
    ]


@pytest.mark.parametrize("name", ["notes.srt", "notes.vtt"])
def test_a_subtitle_file_without_cues_is_refused_in_one_line(tmp_path, name):
    path = tmp_path / name
    path.write_text("WEBVTT\n\nJust some notes, no times.\n")
    with pytest.raises(Unreadable, match="no subtitle cues") as refused:
        load(path)
    assert "\n" not in str(refused.value)
