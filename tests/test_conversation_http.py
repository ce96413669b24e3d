"""Whole sessions through the real Rasa server and action server over HTTP, for each age band.

Each child's words must come back from the exported summary exactly, once, under the prompt that
produced them, and the transcript must hold every message in order. Nothing of the child's words
may reach the servers' logs."""
from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
import requests
import yaml

from bot.report.render import QUOTE_PREFIX
from tests.servers import ROOT, Chat, Wording

pytestmark = pytest.mark.servers

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
CATALOGUE = yaml.safe_load((ROOT / "activities.yml").read_text(encoding="utf-8"))
ACTIVITIES = CATALOGUE["activities"]
# The walks below go through the default plan's activities in order, without the read-back and
# sharing (tested on their own); the child's choice of order is tested on its own too.
WALK_PLAN = [key for key in CATALOGUE["default_plan"]
             if not ACTIVITIES[key].get("for_each_activity") and not ACTIVITIES[key].get("only_after_words")]
PLAN = WALK_PLAN + ["closing"]
QUESTIONS = [
    (key, slot) for key in PLAN for slot in DOMAIN["forms"][f"{key}_form"]["required_slots"]
    if slot not in ("safeguarding_check", "control_check", "drawing_words")
]
PRACTITIONER = "Alex Morgan"
WORDING = Wording(PRACTITIONER)
CASE_ABOUT = "where you live"  # the practitioner's neutral words, which one question names


@pytest.fixture(scope="module")
def servers(shared_servers):
    return shared_servers


def new_session(servers, age: int, **extra) -> Chat:
    args = ["session", "new", "--case", "FAM-2026-0042", "--child-name", "Zoë", "--age", str(age),
            "--language", "en", "--practitioner", PRACTITIONER]
    extra = {"plan": ",".join(WALK_PLAN), "child_chooses": "no", "case_about": CASE_ABOUT, **extra}
    for name, value in extra.items():
        args += [f"--{name.replace('_', '-')}", value]
    return Chat(servers, servers.cli(*args).strip())


def texts(messages):
    return [m.get("text") for m in messages]


FOLLOW_UPS = {q: f for a in ACTIVITIES.values() for q, f in (a.get("follow_ups") or {}).items()}
NO_FOLLOW_UP = {q: a.get("no_follow_up_choices") or [] for a in ACTIVITIES.values() for q in a.get("follow_ups") or {}}
UNTIL_DONE = {q for a in ACTIVITIES.values() for q in (a.get("until_done") or [])}
CHOOSERS = {a["order_chosen_by"]: (key, a["parts"]) for key, a in ACTIVITIES.items() if a.get("order_chosen_by")}
CHOICE_QUESTIONS = {
    name[len("utter_ask_"):] for name, variations in DOMAIN["responses"].items()
    if name.startswith("utter_ask_") and any(v.get("buttons") for v in variations)
}


class Walk:
    """Walks a session through the default plan, saying what the bot must answer at each step and
    what the summary must then hold."""

    def __init__(self, chat: Chat, band: str):
        self.chat, self.band = chat, band
        self.position = 0
        self.rephrased = False
        self.last_words = None
        self.not_asked = set()
        self.last_reply = []
        self.expected_answers = []
        self.questions = list(QUESTIONS)

    @property
    def question(self) -> str:
        return self.questions[self.position][1]

    def ask(self, position: int, rephrase: bool = False) -> str:
        return WORDING.text(f"utter_ask_{self.questions[position][1]}", self.band, rephrase, self.last_words,
                            case_about=CASE_ABOUT)

    def _next_position(self) -> int:
        following = self.position + 1
        while following < len(self.questions) and self.questions[following][1] in self.not_asked:
            following += 1
        return following

    def after_answer(self):
        """What the bot says once the current question is answered."""
        following = self._next_position()
        if following == len(self.questions):
            return [WORDING.text("utter_closing", self.band)]
        return self._activity_intro(following) + [self.ask(following)]

    def _activity_intro(self, position):
        activity = self.questions[position][0]
        first_of_activity = position == 0 or self.questions[position - 1][0] != activity
        intro = f"utter_intro_{activity}"
        return [WORDING.text(intro, self.band)] if first_of_activity and intro in DOMAIN["responses"] else []

    def _remember(self, replies):
        self.last_reply = replies
        return replies

    def start(self):
        expected = [WORDING.text(n, self.band) for n in ("utter_introduction", "utter_who_reads", "utter_ground_rules")]
        assert texts(self._remember(self.chat.tap("/start"))) == expected + self._activity_intro(0) + [self.ask(0)]

    def _answered(self, kind, text, choice, label, send):
        activity, slot = self.questions[self.position]
        self.expected_answers.append((activity, slot, self.ask(self.position, self.rephrased), text, kind, choice, label))
        if kind in ("skipped", "dont_know") or (kind == "choice" and choice in NO_FOLLOW_UP.get(slot, [])):
            self.not_asked |= set(FOLLOW_UPS.get(slot, []))
        if kind not in ("skipped", "dont_know"):
            self.last_words = text if text is not None else label
        if kind == "choice" and slot in CHOOSERS:
            self._put_first(slot, choice)
        first = replies = self._remember(send())
        if kind == "answer":
            replies = self._said_no_if_checked(activity, text, replies)
        if slot in UNTIL_DONE and kind not in ("skipped", "dont_know"):
            assert texts(replies) == [self.ask(self.position)]  # the same question, until "That's all"
            self.rephrased = False
            return first
        assert texts(replies) == self.after_answer()
        self.position = self._next_position()
        self.rephrased = False
        return first

    def _said_no_if_checked(self, activity, text, replies):
        """Typed words the model only leans to a control on are kept, then checked with the child
        (bot/dialogue/control_check.py): the walk answers "No, carry on", which is kept too."""
        control = WORDING.checked_control(self.band, replies)
        if control is None:
            return replies
        check = WORDING.control_check(self.band, control)
        assert texts(replies) == [check["text"]]
        [deny] = [b for b in replies[-1]["buttons"] if b["payload"] == "/deny"]
        self.expected_answers.append((activity, "control_check", check["text"], None, "answer", "/deny", deny["title"]))  # a tapped no: an answer with the button kept
        return self._remember(self.chat.tap("/deny"))

    def _put_first(self, chooser, part):
        activity, parts = CHOOSERS[chooser]
        first = [(activity, q) for q in parts.get(part, [])]
        rest = [q for q in self.questions if q not in first]
        after = rest.index((activity, chooser)) + 1
        self.questions = rest[:after] + first + rest[after:]

    def thats_all(self):
        """Taps "That's all" under a question asked until done: nothing stored, the next question."""
        assert self.question in UNTIL_DONE
        replies = self._remember(self.chat.tap("/deny"))
        assert texts(replies) == self.after_answer()
        self.position = self._next_position()

    def type(self, text, **extra):
        return self._answered("answer", text, None, None, lambda: self.chat.say(text, **extra))

    def tap(self, payload):
        kind = {"/skip": "skipped", "/dont_know": "dont_know"}[payload]
        shown = (self.last_reply[-1].get("buttons") or []) if self.last_reply else []
        label = next((b["title"] for b in shown if b["payload"] == payload), None)  # the words the child saw
        self._answered(kind, None, payload, label, lambda: self.chat.tap(payload))

    def choose(self, index=0):
        """Taps one of the choices the question offered (not one of the three always there)."""
        buttons = self.last_reply[-1]["buttons"]
        choices = [b for b in buttons if b["payload"].startswith("/choose") and "something_else" not in b["payload"]]
        button = choices[index]
        value = json.loads(button["payload"][len("/choose"):])["choice"]
        self._answered("choice", None, value, button["title"], lambda: self.chat.tap(button["payload"]))
        return button

    def help(self):
        assert texts(self._remember(self.chat.tap("/help"))) == [self.ask(self.position, rephrase=True)]
        self.rephrased = True

    def repeat(self):
        assert texts(self._remember(self.chat.tap("/repeat"))) == [self.ask(self.position, self.rephrased)]

    def take_break(self):
        expected = [WORDING.text("utter_break", self.band), self.ask(self.position, self.rephrased)]
        assert texts(self._remember(self.chat.tap("/take_break"))) == expected

    def ask_for_practitioner(self, typed: str):
        expected = [WORDING.text("utter_practitioner_told", self.band), self.ask(self.position, self.rephrased)]
        assert texts(self._remember(self.chat.say(typed))) == expected

    def stop_then_carry_on(self):
        [question] = self.chat.tap("/stop")
        assert question["text"] == WORDING.text("utter_ask_stop", self.band)
        assert [b["payload"] for b in question["buttons"]] == ["/affirm", "/deny"]
        assert texts(self._remember(self.chat.tap("/deny"))) == [self.ask(self.position, self.rephrased)]

    def choose_value(self, value):
        [button] = [b for b in self.last_reply[-1]["buttons"] if b["payload"] == f'/choose{{"choice":"{value}"}}']
        self._answered("choice", None, value, button["title"], lambda: self.chat.tap(button["payload"]))

    def retry(self, text):
        """The tablet sends the same message twice (a lost reply): handled and stored once."""
        message_id = uuid.uuid4().hex
        first = self.type(text, message_id=message_id)
        assert self.chat.say(text, message_id=message_id) == first

    def empty(self):
        reply = self.chat.post(message="")
        assert reply.status_code == 400 and reply.json()["error"] == "empty_message"

    def finish(self):
        """Answers every question left, choosing where there are choices, to reach the closing."""
        while self.position < len(self.questions):
            if self.question in UNTIL_DONE:
                self.thats_all()
            elif self.question in CHOICE_QUESTIONS:
                self.choose()
            else:
                self.type(f"answer {self.position + 1} about {self.question} ✓")


def summary_answers(servers, session_id):
    document = json.loads(servers.cli("export", session_id, "--format", "json"))
    return document, [
        (a["activity"], a["prompt_key"], a["prompt"], a["text"], a["kind"], a["choice"], a["choice_label"])
        for a in document["answers"]
    ]


def check_transcript(servers, chat: Chat):
    """The transcript holds every accepted message and every reply, in order, nothing twice."""
    expected, seen = [], set()
    for body, status, reply in chat.exchanges:
        if status != 200 or (body.get("message_id") and body["message_id"] in seen):
            continue
        seen.add(body.get("message_id"))
        if "message" in body:
            expected.append(("child", body["message"], None))
        else:
            expected.append(("child", None, body["payload"]))
        expected += [("bot", m.get("text"), None) for m in reply]
    transcript = json.loads(servers.cli("transcript", chat.sender, "--format", "json"))
    assert [(t["speaker"], t["text"], t["payload"]) for t in transcript] == expected
    assert [t["order"] for t in transcript] == list(range(1, len(expected) + 1))


def test_a_young_child_answers_skips_asks_for_help_and_a_retry_is_stored_once(servers, awkward_answers):
    chat = new_session(servers, 5, present="Alex Morgan only", place="Family centre, room 2")
    walk = Walk(chat, "age_4_7")
    walk.start()
    walk.empty()
    walk.type(awkward_answers[0])  # emoji
    walk.tap("/skip")
    walk.help()
    walk.type(awkward_answers[1])  # accents, after the question was put more simply
    walk.tap("/dont_know")
    walk.retry(awkward_answers[2])  # Welsh letters, sent twice
    walk.type(awkward_answers[3])  # right-to-left
    walk.repeat()
    walk.take_break()
    walk.finish()
    document, answers = summary_answers(servers, chat.sender)
    assert answers == walk.expected_answers
    assert document["session"]["age_band"] == "4-7" and document["session"]["status"] == "completed"
    assert document["session"]["place"] == "Family centre, room 2"
    check_transcript(servers, chat)


def test_a_child_of_nine_types_awkward_text_and_carries_on_after_asking_to_stop(servers, awkward_answers):
    chat = new_session(servers, 9)
    walk = Walk(chat, "age_8_11")
    walk.start()
    walk.type(awkward_answers[9])  # "/restart" typed is an answer, and the session goes on
    walk.type(awkward_answers[4])
    walk.stop_then_carry_on()
    walk.type(awkward_answers[5])  # leading and trailing spaces
    walk.type(awkward_answers[6])  # several lines
    walk.type(awkward_answers[7])  # HTML and script tags
    walk.type(awkward_answers[8])  # SQL
    walk.ask_for_practitioner("I want to talk to my worker")
    walk.finish()
    _, answers = summary_answers(servers, chat.sender)
    assert [n["kind"] for n in servers.store().notices(chat.sender)] == ["talk_to_practitioner"]
    assert answers == walk.expected_answers
    check_transcript(servers, chat)


def test_a_teenager_writes_at_length(servers, awkward_answers):
    chat = new_session(servers, 15)
    walk = Walk(chat, "age_12_17")
    walk.start()
    walk.type(awkward_answers[10])  # tabs, backslash, quotes
    walk.type(awkward_answers[11])  # 5,000 characters
    walk.type("I worry about moving school")
    walk.help()
    walk.type("To see both of them 💛")
    walk.type("That I'm old enough to decide")
    walk.type("Stay with mum in the week\nand dad at weekends")
    walk.finish()
    document, answers = summary_answers(servers, chat.sender)
    assert answers == walk.expected_answers
    assert len(answers[1][3]) == 5000
    markdown = servers.cli("export", chat.sender, "--format", "md")
    assert f"{QUOTE_PREFIX}Stay with mum in the week\n{QUOTE_PREFIX}and dad at weekends\n" in markdown
    check_transcript(servers, chat)


def test_choices_are_shuffled_offer_three_ways_out_and_are_quoted_after(servers):
    chat = new_session(servers, 6)
    walk = Walk(chat, "age_4_7")
    walk.start()
    while walk.question not in CHOICE_QUESTIONS:
        walk.type("I like my bike")
    orders = set()
    for _ in range(4):
        walk.repeat()
        buttons = walk.last_reply[-1]["buttons"]
        assert [b["payload"] for b in buttons[-3:]] == ['/choose{"choice":"something_else"}', "/dont_know", "/skip"]
        orders.add(tuple(b["payload"] for b in buttons))
    assert len(orders) > 1, "the choices came in the same order every time"
    chosen = walk.choose(2)  # the next question quotes the words on the button
    assert walk.last_reply[-1]["text"] == walk.ask(walk.position) and chosen["title"] in walk.last_reply[-1]["text"]
    while walk.question not in CHOICE_QUESTIONS:
        walk.type("Because")
    walk.tap("/dont_know")  # nothing chosen: the question that would follow the choice is not asked
    walk.finish()
    _, answers = summary_answers(servers, chat.sender)
    assert answers == walk.expected_answers
    assert ("choice", chosen["title"]) in [(a[4], a[6]) for a in answers]
    check_transcript(servers, chat)


def test_the_three_houses_in_the_order_the_child_chooses_until_they_say_thats_all(servers):
    chat = new_session(servers, 9, plan="three_houses")
    walk = Walk(chat, "age_8_11")
    walk.questions = [q for q in QUESTIONS if q[0] in ("three_houses", "closing")]
    walk.start()
    walk.choose_value("dreams")
    assert walk.question == "three_houses_dreams"
    walk.type("A house by the sea 🌊")
    walk.type("with my dog")  # "What else goes in the house of dreams?", asked again
    walk.type("and a treehouse")
    walk.thats_all()
    assert walk.question == "three_houses_good"
    walk.tap("/skip")  # nothing for good things: "what else" is not asked either
    assert walk.question == "three_houses_worries"
    walk.type("When they argue")
    walk.thats_all()
    walk.finish()
    _, answers = summary_answers(servers, chat.sender)
    assert answers == walk.expected_answers
    assert [a[1] for a in answers][:6] == [
        "three_houses_first", "three_houses_dreams", "three_houses_dreams_more", "three_houses_dreams_more",
        "three_houses_good", "three_houses_worries",
    ]
    check_transcript(servers, chat)


def test_a_long_session_goes_on_in_new_rasa_sessions_exactly_as_before(servers):
    """Rasa's working conversation is cut short every so many events (bot/channel/tracker_compaction.py):
    the child sees nothing of it. Every reply, stored answer and exact prompt is as in a short
    session, and the controls (help, repeat, stop, a break) still work after each cut."""
    from bot.channel.tracker_compaction import COMPACT_AFTER

    chat = new_session(servers, 9, plan="three_houses")
    walk = Walk(chat, "age_8_11")
    walk.questions = [q for q in QUESTIONS if q[0] in ("three_houses", "closing")]
    walk.start()
    walk.choose_value("dreams")
    for number in range(COMPACT_AFTER // 4):  # about ten events a turn: two or three new sessions
        walk.type(f"thing number {number} in my house of dreams")
    walk.help()
    walk.type("a slide")
    walk.repeat()
    walk.stop_then_carry_on()
    walk.take_break()
    walk.type("a pond with fish 🐟")
    walk.thats_all()
    walk.finish()
    _, answers = summary_answers(servers, chat.sender)
    assert answers == walk.expected_answers
    check_transcript(servers, chat)
    with sqlite3.connect(servers.settings["TRACKER_DB"]) as tracker_store:
        started = tracker_store.execute("SELECT count(*) FROM events WHERE sender_id = ? AND type_name = "
                                        "'session_started'", (chat.sender,)).fetchone()[0]
    assert started >= 3  # the first, and at least two to keep it short


def payload_of(value):
    return f'/choose{{"choice":"{value}"}}'


def test_the_child_chooses_what_to_do_next_and_their_words_are_quoted_back_exactly(servers):
    band = "age_4_7"
    chat = new_session(servers, 6, plan="warm_up,feelings,three_wishes,scale", child_chooses="yes")
    chat.tap("/start")
    offer = chat.say("Lego")
    assert texts(offer) == [WORDING.text("utter_ask_choose_next_activity", band)]
    buttons = offer[0]["buttons"]
    assert sorted((b["title"], b["payload"]) for b in buttons[:-3]) == sorted(
        (ACTIVITIES[key]["button"], payload_of(key)) for key in ("feelings", "three_wishes", "scale")
    )
    assert [b["payload"] for b in buttons[-3:]] == [payload_of("something_else"), "/dont_know", "/skip"]

    wishes = chat.tap(payload_of("three_wishes"))
    assert texts(wishes) == [WORDING.text("utter_intro_three_wishes", band), WORDING.text("utter_ask_three_wishes_first", band)]
    chat.say("A puppy")
    chat.say("Sweets")
    offer = chat.say("Go to the moon")
    assert texts(offer) == [WORDING.text("utter_ask_choose_next_activity", band)]
    assert {b["payload"] for b in offer[0]["buttons"][:-3]} == {payload_of("feelings"), payload_of("scale")}

    # "I don't know": the practitioner's order, feelings before the scale
    assert texts(chat.tap("/dont_know")) == [WORDING.text("utter_ask_feelings_home", band)]
    typed = "sad 10[ish] {last_words}"  # quoted back exactly, braces and all
    assert texts(chat.say(typed)) == [WORDING.text("utter_ask_feelings_home_more", band, last_words=typed)]
    other_home = chat.say("Because")
    assert texts(other_home) == [WORDING.text("utter_ask_feelings_other_home", band)]
    # one home: nothing more to ask about another home
    assert texts(chat.tap(payload_of("one_home"))) == [WORDING.text("utter_ask_feelings_school", band)]
    # only the scale is left: no choice to offer
    assert texts(chat.tap("/skip")) == [WORDING.text("utter_ask_scale_score", band)]
    assert texts(chat.tap("/dont_know")) == [WORDING.text("utter_ask_closing_mood", band)]

    document, answers = summary_answers(servers, chat.sender)
    assert [a["key"] for a in document["activities"]] == ["warm_up", "choose_next", "three_wishes", "feelings", "scale"]
    chosen = [(a[4], a[6]) for a in answers if a[0] == "choose_next"]
    assert chosen == [("choice", ACTIVITIES["three_wishes"]["button"]), ("dont_know", "🤷 I don't know")]
    assert ("feelings", "feelings_home", typed) in [(a[0], a[1], a[3]) for a in answers]
    assert [a[1] for a in answers if a[0] == "feelings"] == [
        "feelings_home", "feelings_home_more", "feelings_other_home", "feelings_school",
    ]
    check_transcript(servers, chat)


def test_the_read_back_goes_over_each_activity_keeps_both_versions_and_sharing_is_asked_once(servers):
    band = "age_8_11"
    chat = new_session(servers, 9, plan="warm_up,three_wishes,read_back,sharing")
    chat.tap("/start")
    chat.say("Drawing dragons 🐉")
    chat.say("A dog")
    chat.tap("/skip")
    names = {key: ACTIVITIES[key]["name_for_child"] for key in ("warm_up", "three_wishes")}

    def read_back(key, heard):
        return [WORDING.text("utter_read_back_heard", band, about_name=names[key]), heard,
                WORDING.text("utter_ask_read_back_check", band)]

    first = chat.say("  10[ish] more holidays\nwith {everyone}")
    assert texts(first) == [WORDING.text("utter_intro_read_back", band)] + read_back("warm_up", "“Drawing dragons 🐉”")
    assert [b["payload"] for b in first[-1]["buttons"][-3:]] == [payload_of("something_else"), "/dont_know", "/skip"]
    second = chat.tap(payload_of("right"))
    assert texts(second) == read_back("three_wishes", "“A dog”\n“  10[ish] more holidays\nwith {everyone}”")
    assert texts(chat.tap(payload_of("change"))) == [WORDING.text("utter_ask_read_back_change", band, about_name=names["three_wishes"])]
    sharing = chat.say("and a cat called Pip")
    # sharing: once, about everything the child said
    assert texts(sharing) == [WORDING.text("utter_intro_sharing", band), WORDING.text("utter_ask_sharing_preference", band)]
    titles = {b["payload"]: b["title"] for b in sharing[-1]["buttons"]}
    assert titles[payload_of("practitioner_tells_judge")] == WORDING.variation(
        "utter_ask_sharing_preference", band)["buttons"][1]["title"].replace("{practitioner_name}", PRACTITIONER)
    label = titles[payload_of("someone_not_to_read")]
    assert texts(chat.tap(payload_of("someone_not_to_read"))) == [WORDING.text("utter_ask_sharing_more", band, last_words=label)]
    assert texts(chat.say("It's private")) == [WORDING.text("utter_ask_closing_mood", band)]
    chat.tap("/skip")
    chat.say("Pizza tonight")

    document, answers = summary_answers(servers, chat.sender)
    wishes = [a[3] for a in answers if a[0] == "three_wishes"]
    assert wishes == ["A dog", None, "  10[ish] more holidays\nwith {everyone}"]  # the first words, kept
    assert [(a["activity"], a["about_activity"], a["prompt_key"], a["choice"], a["text"])
            for a in document["answers"] if a["activity"] in ("read_back", "sharing")] == [
        ("read_back", "warm_up", "read_back_check", "right", None),
        ("read_back", "three_wishes", "read_back_check", "change", None),
        ("read_back", "three_wishes", "read_back_change", None, "and a cat called Pip"),
        ("sharing", None, "sharing_preference", "someone_not_to_read", None),
        ("sharing", None, "sharing_more", None, "It's private"),
    ]
    read_back_prompt = [a["prompt"] for a in document["answers"] if a["prompt_key"] == "read_back_check"]
    assert read_back_prompt == [WORDING.text("utter_ask_read_back_check", band)] * 2
    markdown = servers.cli("export", chat.sender, "--format", "md")
    assert "## Read-back" in markdown and "## Sharing preferences" in markdown
    assert markdown.index(f"{QUOTE_PREFIX}and a cat called Pip") > markdown.index("## Read-back")
    assert document["session"]["status"] == "completed"
    check_transcript(servers, chat)


@pytest.mark.parametrize("age,band", [(6, "age_4_7"), (13, "age_12_17")])
def test_words_that_raised_a_flag_are_never_read_back_and_the_child_is_told_they_will_be_talked_about(servers, age, band):
    chat = new_session(servers, age, plan="warm_up,three_wishes,read_back,sharing")
    chat.tap("/start")
    chat.say("Drawing dragons")
    disclosure = "my uncle hurts me when mum is out"
    assert texts(chat.say(disclosure))[-1] == WORDING.text("utter_ask_safeguarding_check", band)
    chat.tap("/deny")  # carry on: the second wish
    chat.say("A dog")
    intro = chat.say("A bike")
    flagged = WORDING.text("utter_read_back_flagged", band)
    assert texts(intro)[:2] == [WORDING.text("utter_intro_read_back", band), flagged]
    wishes = chat.tap(payload_of("right"))
    assert texts(wishes)[1] == "“A dog”\n“A bike”"  # the flagged words are left out
    sharing = chat.tap(payload_of("right"))
    assert texts(sharing) == [WORDING.text("utter_intro_sharing", band),  # told once: not again here
                              WORDING.text("utter_ask_sharing_preference", band)]
    chat.tap(payload_of("share"))
    said_back = [m.get("text") or "" for _, status, reply in chat.exchanges[3:] for m in reply]
    assert not [text for text in said_back if "uncle" in text]  # never shown, never read aloud again
    document, _ = summary_answers(servers, chat.sender)
    assert disclosure in [a["text"] for a in document["answers"]]  # still the child's answer, in the record
    check_transcript(servers, chat)


def test_the_question_naming_what_the_case_is_about_is_asked_only_when_the_practitioner_gave_it(servers):
    band = "age_8_11"
    for case_about, asked in ((CASE_ABOUT, True), ("", False)):
        chat = new_session(servers, 9, plan="judge_message", case_about=case_about)
        chat.tap("/start")
        chat.say("That I like my school")
        reply = chat.say("To stay where I am")
        arrangements = WORDING.text("utter_ask_judge_message_arrangements", band, case_about=CASE_ABOUT)
        following = arrangements if asked else WORDING.text("utter_ask_judge_message_contact", band)
        assert texts(reply) == [following]
        assert (CASE_ABOUT in arrangements) and (texts(reply)[0] == arrangements) == asked


def test_the_read_back_is_left_out_when_the_child_has_said_nothing(servers):
    chat = new_session(servers, 15, plan="three_wishes,read_back,sharing")
    chat.tap("/start")
    chat.tap("/skip")
    chat.tap("/dont_know")
    assert texts(chat.tap("/skip")) == [WORDING.text("utter_ask_closing_mood", "age_12_17")]


def test_stopping_keeps_what_was_said_and_ends_the_session(servers):
    chat = new_session(servers, 10)
    walk = Walk(chat, "age_8_11")
    walk.start()
    walk.type("Drawing dragons")
    [question] = chat.tap("/stop")
    assert question["text"] == WORDING.text("utter_ask_stop", "age_8_11")
    assert texts(chat.tap("/affirm")) == [WORDING.text("utter_stopped", "age_8_11")]
    refused = chat.post(message="one more thing")
    assert refused.status_code == 409 and refused.json()["error"] == "session_ended"
    document, answers = summary_answers(servers, chat.sender)
    assert answers == walk.expected_answers
    assert document["session"]["status"] == "stopped" and document["session"]["ended_at"]


def test_an_unknown_sender_is_refused_and_nothing_is_stored(servers):
    stranger = Chat(servers, "not-a-session")
    reply = stranger.post(message="hello, is anyone there?")
    assert reply.status_code == 403 and reply.json()["error"] == "unknown_session"
    assert reply.json()["messages"][0]["text"] == DOMAIN["responses"]["utter_session_unknown"][0]["text"]
    with sqlite3.connect(servers.settings["TRACKER_DB"]) as tracker_store:
        stored = tracker_store.execute("SELECT count(*) FROM events WHERE sender_id = ?", ("not-a-session",))
        assert stored.fetchone()[0] == 0


def listening_addresses(port: int) -> set:
    """The local addresses a socket listens on at this port (Linux: /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_only_the_web_app_could_listen_beyond_this_machine_and_rasa_keeps_its_api_off(servers):
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
    for name in ("RASA_PORT", "ACTION_PORT"):
        addresses = listening_addresses(int(servers.settings[name]))
        assert addresses and addresses <= loopback, f"{name} listens on {addresses}"
    rasa = f"http://127.0.0.1:{servers.settings['RASA_PORT']}"
    for path in ("/model/parse", f"/conversations/{uuid.uuid4()}/tracker/events"):
        assert requests.post(rasa + path, json={"text": "hi", "event": "restart"}, timeout=30).status_code == 404
    assert requests.get(rasa + "/status", timeout=30).status_code == 404


def test_the_action_server_answers_only_our_rasa_server(servers):
    actions = f"http://127.0.0.1:{servers.settings['ACTION_PORT']}"
    call = {"next_action": "action_session_start", "sender_id": "someone", "version": "3.6.21",
            "tracker": {"sender_id": "someone", "slots": {}, "latest_message": {}, "events": [], "paused": False,
                        "followup_action": None, "active_loop": {}, "latest_action_name": None},
            "domain": {}}
    assert requests.get(actions + "/health", timeout=30).status_code == 200
    for headers in ({}, {"Authorization": "Bearer a-guess"}, {"Authorization": servers.settings["ACTION_TOKEN"]}):
        refused = requests.post(actions + "/webhook", json=call, headers=headers, timeout=30)
        assert (refused.status_code, refused.json()["error"]) == (401, "unauthorised")
        assert requests.get(actions + "/actions", headers=headers, timeout=30).status_code == 401
    allowed = requests.get(actions + "/actions", timeout=30,
                           headers={"Authorization": f"Bearer {servers.settings['ACTION_TOKEN']}"})
    assert allowed.status_code == 200 and {"name": "action_session_start"} in allowed.json()


def test_bad_requests_get_clear_errors(servers):
    chat = new_session(servers, 12)
    assert chat.post(payload="/restart").json()["error"] == "bad_payload"
    assert chat.post(text="wrong field").json()["error"] == "bad_request"


def test_no_childs_words_in_the_logs_or_in_any_file_in_the_clear(servers, awkward_answers):
    log = servers.log()
    assert "Own Words is ready" in log  # the log is the servers' real output
    with sqlite3.connect(servers.settings["TRACKER_DB"]) as tracker_store:
        tracker_store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert tracker_store.execute("SELECT count(*) FROM events").fetchone()[0] > 100  # Rasa kept the sessions
    files = {path: path.read_bytes() for path in servers.home.rglob("*") if path.is_file()}
    for text in awkward_answers + ["I worry about moving school", "Drawing dragons", "hello, is anyone there?"]:
        if text.strip():
            assert text.strip() not in log
            if len(text.strip()) > 6:  # long enough not to turn up by chance among encrypted bytes
                held = [path.name for path, data in files.items() if text.strip().encode("utf-8", "surrogatepass") in data]
                assert not held, f"{text.strip()!r} is in the clear in {held}"
