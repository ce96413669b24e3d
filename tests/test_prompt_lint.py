"""The prompt lint (bot/pack/lint.py, its rules in prompt_lint.yml): each rule catches what it should
and passes its near miss, a finding reads as TRAINERS.md shows it, mistakes in prompt_lint.yml are
refused, and the wording the project has today passes every rule."""
from __future__ import annotations

import copy
from typing import Dict, List, Optional, Sequence

import pytest
import yaml

from bot.cli import main
from bot.pack import lint as prompt_lint
from bot.pack import text
from bot.pack.rules import LintConfigError, Rules
from tests.conftest import ROOT

RULES_DATA = yaml.safe_load((ROOT / "prompt_lint.yml").read_text(encoding="utf-8"))
RULES = Rules.from_dict(RULES_DATA)
GUIDE = (ROOT / "TRAINERS.md").read_text(encoding="utf-8")
FACES = [
    {"title": "😊 Happy", "payload": '/choose{"choice":"happy"}'},
    {"title": "🤔 Something else", "payload": '/choose{"choice":"something_else"}'},
    {"title": "🤷 I don't know", "payload": "/dont_know"},
    {"title": "🙊 I don't want to say", "payload": "/skip"},
]


def where(name: str, condition: Dict) -> str:
    """How a finding names a wording (tests/test_trainers_guide.py checks TRAINERS.md's example)."""
    band, help = condition.get("age_band", "default"), condition.get("rephrase") is True
    return prompt_lint.where("domain.yml", name, band, help, RULES)


def wording(said: str, band: str = "age_4_7", help: Optional[bool] = False, buttons: Sequence[Dict] = ()) -> Dict:
    """One wording of a response, as domain.yml writes it ("default": the one with no condition)."""
    condition = []
    if band != "default":
        condition.append({"type": "slot", "name": "age_band", "value": band})
        if help is not None:
            condition.append({"type": "slot", "name": "rephrase", "value": help})
    variation = {"condition": condition, "text": said} if condition else {"text": said}
    if buttons:
        variation["buttons"] = list(buttons)
    return variation


def findings(domain: Dict, page: Optional[Dict] = None, rules: Rules = RULES) -> List[prompt_lint.Finding]:
    """The findings in the wording; not those about prompt_lint.yml naming responses a small
    domain here does not have."""
    return [f for f in prompt_lint.lint(domain, page, rules) if f.file != "prompt_lint.yml"]


def lines(domain: Dict, page: Optional[Dict] = None, rules: Rules = RULES) -> List[str]:
    return [f.line for f in findings(domain, page, rules)]


def caught(rule: str, said: str, name: str = "utter_ask_example", **how) -> List[str]:
    """The lines a rule prints for one wording of one response."""
    return [f.line for f in findings({"responses": {name: [wording(said, **how)]}}) if f.rule == rule]


# (rule, what it catches, a near miss it passes); each a wording: its text, and any of band, help,
# buttons and the response's name.
CASES = [
    ("leading", [{"said": "Did he shout at you?"}, {"said": "It was fun, isn't it?", "band": "age_12_17"}],
     [{"said": "Did help come?"}, {"said": "Tell me about your day."}]),
    ("faux_invitation", [{"said": "Tell me, did you like it?"}, {"said": "Can you tell me was it a good day?"},
                         {"said": "Tell me would you go back?", "band": "age_12_17"}],
     [{"said": "Tell me about your day."}, {"said": "Tell me what you did."}]),
    ("jargon", [{"said": "What do you think about contact?"}, {"said": "The FCA will read it.", "band": "age_12_17"}],
     [{"said": "Who do you like to see?"}]),
    ("not_mentioned", [{"said": "Tell me about your dad."}, {"said": "Does anyone hit you?", "band": "age_12_17"},
                       {"said": "Is there hitting at home?", "band": "age_8_11"},
                       {"said": "Who is it?", "buttons": [{"title": "Mum", "payload": "/x"}]}],
     [{"said": "You said \"{last_words}\". Tell me more about that."},
      {"said": "Tell me about the people who matter to you."}, {"said": "Let's wait a moment."}]),
    ("family_shape", [{"said": "Pick a face for your other home.", "help": True},
                      {"said": "Who do you live with?", "band": "age_12_17"},
                      {"said": "Some children have two homes."},
                      {"said": "Your parents may read it.", "band": "age_12_17"},
                      {"said": "Who can read it?", "buttons": [{"title": "🔒 Not my parents", "payload": "/x"}]},
                      {"said": "Tap 👪 to start."},
                      {"said": "Are they separated or divorced?", "band": "age_12_17"},
                      {"said": "If you have another home, which face shows how you feel there?", "band": "age_8_11"},
                      {"said": "Some children live in more than one home.", "band": "age_12_17"},
                      {"said": "Tap a button.", "buttons": [{"title": "👫 Important people", "payload": "/x"}]}],
     [{"said": "Tell me about \"{last_words}\" at home."}, {"said": "Tell me about where you live."},
      {"said": "Is there another place you stay or go a lot?", "band": "age_12_17"}]),
    ("long_sentences", [{"said": "one two three four five six seven eight nine ten eleven twelve thirteen."},
                        {"said": " ".join(["word"] * 26) + ".", "band": "age_8_11"},
                        {"said": " ".join(["word"] * 31) + ".", "band": "age_12_17"}],
     [{"said": "one two three four five six seven eight nine ten eleven {practitioner_name}."},
      {"said": " ".join(["word"] * 25) + ".", "band": "age_8_11"},
      {"said": " ".join(["word"] * 30) + ".", "band": "age_12_17"}]),
    ("yes_no", [{"said": "Are you worried at home?"}, {"said": "Do you want to stop now?", "band": "age_8_11"},
                {"said": "Is that what you meant?", "band": "age_12_17", "help": True}],
     [{"said": "Is that what you meant?", "band": "age_12_17"}, {"said": "What is it like at home?"},
      {"said": "Tell me about school."}]),
    ("forced_choice", [{"said": "Was it a good day or a bad day?"},
                       {"said": "Would you like to write or meet?", "band": "age_8_11"},
                       {"said": "Do you like it or not?", "band": "age_12_17", "help": True}],
     [{"said": "What should I add or change?"}, {"said": "Stop now, or keep going?", "name": "utter_ask_stop"},
      {"said": "Do you like it or not?", "band": "age_12_17"}, {"said": "Tap a face or a word."}]),
    ("closed_wording", [{"said": "Tell me if I got it right.", "band": "age_8_11"},
                        {"said": "Choose: write, meet, both or neither.", "band": "age_12_17", "help": True},
                        {"said": "You can tell me if I got it wrong."}],
     [{"said": "Tell me if I got that right.", "band": "age_12_17"},
      {"said": "Tell me about it.", "band": "age_8_11"}]),
    ("promises", [{"said": "{practitioner_name} will help keep you safe."}, {"said": "Your words are safe."},
                  {"said": "You can write to the judge, or even meet them.", "band": "age_8_11"},
                  {"said": "They will make sure you're safe.", "band": "age_12_17"}],
     [{"said": "{practitioner_name} will tell people who can help."}, {"said": "I have kept your words."}]),
    ("pressure", [{"said": "This is your chance to tell the judge.", "band": "age_12_17"},
                  {"said": "Pick one.", "band": "age_8_11"}, {"said": "Tell me your last wish.", "band": "age_8_11"}],
     [{"said": "Tell me your third wish.", "band": "age_8_11"}, {"said": "Pick a face."}]),
    ("secrecy", [{"said": "This is our secret."}, {"said": "I won't tell anyone, I promise.", "band": "age_8_11"},
                 {"said": "It stays here, just for us.", "band": "age_12_17"},
                 {"said": "I can't keep this a secret, but this one is our secret."},
                 {"said": "What now?", "buttons": [{"title": "🤫 Keep it secret", "payload": "/x"}]}],
     [{"said": "I can't keep this a secret."}, {"said": "I can’t keep this a secret."},
      {"said": "I can't promise that.", "band": "age_12_17"}]),
    ("asking_for_detail", [{"said": "Can you tell me more about what happened?",
                            "name": "utter_ask_safeguarding_check"},
                           {"said": "Who did that to you?", "name": "utter_ask_safeguarding_check",
                            "band": "age_12_17"},
                           {"said": "What now?", "name": "utter_ask_safeguarding_check",
                            "buttons": [{"title": "Explain it", "payload": "/x"}]}],
     [{"said": "Tell me more about that.", "name": "utter_ask_feelings_home_more"},
      {"said": "Thank you for telling me. You are not in trouble.", "name": "utter_ask_safeguarding_check"}]),
    ("bot_feelings", [{"said": "I'm glad you told me.", "band": "age_8_11"}, {"said": "I feel sad about that."},
                      {"said": "I’m glad you said that.", "band": "age_12_17"}],
     [{"said": "Thank you for telling me."}, {"said": "How do you feel?"}]),
    ("why_for_4_7", [{"said": "Tell me why you chose it."}, {"said": "Why do you think we are talking?", "help": True}],
     [{"said": "Tell me why you chose it.", "band": "age_8_11"}, {"said": "What makes you choose that face?"}]),
    ("conditionals_for_4_7", [{"said": "If you have another home, which face shows how you feel there?"},
                              {"said": "Tap a face, unless you want to type."}],
     [{"said": "If you have another home, tell me about it.", "band": "age_8_11"},
      {"said": "Tell me if I got it right."}, {"said": "Tell me about a gift you liked."}]),
    ("abstract_for_4_7", [{"said": "What would you like to happen?"}, {"said": "A judge helps decide."},
                          {"said": "Tell me about the good things.", "help": True}],
     [{"said": "What would you like to happen?", "band": "age_8_11"}, {"said": "Tell me something you like."}]),
    ("one_question", [{"said": "Is it fun? Do you like it?", "band": "age_12_17"},
                      {"said": "What is it like? Who is there? Why?", "band": "age_8_11"}],
     [{"said": "Tap \"Why?\" if you like. What do you think?", "band": "age_12_17"},
      {"said": "You chose \"{last_words}\". What makes it that number?", "band": "age_8_11"}]),
    ("safeguarding_says_others_will_be_told",
     [{"said": "Thank you for telling me. {practitioner_name} will help you.", "name": "utter_ask_safeguarding_check"},
      {"said": "You did the right thing.", "name": "utter_ask_safeguarding_check", "help": True},
      {"said": "Thank you for telling me.", "name": "utter_ask_safeguarding_check", "band": "default"},
      {"said": "{practitioner_name} may talk to other people who can help.",  # a hedge: "may" is not "will"
       "name": "utter_ask_safeguarding_check", "band": "age_8_11"}],
     [{"said": "Thank you for telling me. {practitioner_name} will tell people who can help.",
       "name": "utter_ask_safeguarding_check"},
      {"said": "{practitioner_name} may need to tell people who can help.",
       "name": "utter_ask_safeguarding_check", "band": "age_12_17", "help": True},
      {"said": "Thank you for telling me.", "name": "utter_ask_example"}]),
    ("sharing_intro_caveat", [{"said": "Now you can tell me who can read what you said.", "name": "utter_intro_sharing",
                               "help": None}],
     [{"said": "Now you can tell me who can read it. The judge may still need to know what you said.",
       "name": "utter_intro_sharing", "help": None}]),
    ("ways_out", [{"said": "Which face?", "buttons": FACES[:1]},
                  {"said": "Which face?", "buttons": FACES[:1] + FACES[2:]}],
     [{"said": "Which face?", "buttons": FACES},
      {"said": "Stop now?", "name": "utter_ask_stop", "buttons": [{"title": "Yes, stop", "payload": "/affirm"}]}]),
]


def test_every_rule_has_its_cases():
    assert sorted(rule for rule, _, _ in CASES) == sorted(rule.name for rule in RULES.rules)


@pytest.mark.parametrize("rule, case", [(rule, case) for rule, catches, _ in CASES for case in catches],
                         ids=lambda x: x if isinstance(x, str) else "")
def test_each_rule_catches_what_it_should(rule, case):
    found = caught(rule, **case)
    assert len(found) == 1, f"{rule} should find one thing in {case}, found {found}"


@pytest.mark.parametrize("rule, case", [(rule, case) for rule, _, passes in CASES for case in passes],
                         ids=lambda x: x if isinstance(x, str) else "")
def test_each_rule_passes_its_near_miss(rule, case):
    assert caught(rule, **case) == []


def test_a_finding_is_one_line_a_trainer_can_act_on():
    assert caught("family_shape", "Pick a face for your other home. Or tap \"I have one home\".",
                  name="utter_ask_feelings_other_home", help=True) == [
        "domain.yml: utter_ask_feelings_other_home, age 4-7 (Help wording): \"Pick a face for your other home.\" "
        "presumes the child's family shape (\"other home\"); ask about the homes and people the child has named, "
        "or ask openly: 'Tell me about where you live'"
    ]
    assert caught("not_mentioned", "Which one?", buttons=[{"title": "Dad's house", "payload": "/x"}]) == [
        "domain.yml: utter_ask_example, age 4-7: button \"Dad's house\" names \"Dad\", which the child has not "
        "mentioned; ask openly ('Tell me about the people at home') and let the child name them"
    ]
    assert caught("long_sentences", "Hello there.\nWe will talk about lots and lots of things today, you and me, here.",
                  band="age_4_7", help=None) == [
        "domain.yml: utter_ask_example, age 4-7: \"We will talk about lots and lots of things today, you and me, "
        "here.\" has 14 words; keep sentences for age 4-7 to 12 words or fewer: split it in two"
    ]


def test_the_guide_s_example_is_what_the_lint_prints():
    """TRAINERS.md, "Read the checker's messages" (tests/test_trainers_guide.py holds it to this)."""
    example = ("domain.yml: utter_ask_worries, age 4-7: \"Are you worried at home?\" "
               "is a yes/no question; try 'Tell me about ...'")
    assert caught("yes_no", "Are you worried at home?", name="utter_ask_worries") == [example]
    assert f"```\n{example}\n```" in GUIDE


def guide_examples() -> Dict[str, Dict]:
    """TRAINERS.md, "The prompt lint": each rule's example, a wording before and after."""
    section = GUIDE.split("\n## The prompt lint\n", 1)[1].split("\n## ", 1)[0]
    bands = {label: band for band, label in RULES.age_bands.items()}
    rule, examples = None, {}
    for line in section.splitlines():
        if line.startswith("**`"):
            rule = line[3:line.index("`", 3)]
        elif line.startswith("- Before ("):
            where, said = line[len("- Before ("):].split("): ", 1)
            name, band, *help = where.split(", ")
            examples[rule] = {"name": name, "band": bands[band], "help": help == ["Help"], "before": said}
        elif line.startswith("- After: "):
            examples[rule]["after"] = line[len("- After: "):]
    return examples


def said_in(example: Dict, said: str) -> Dict:
    """A domain, or for a chat-page word a page wording, holding just what the example says."""
    if example["name"].startswith("en.chat."):
        return {"domain": {"responses": {}},
                "page": {"en": {"chat": {example["name"].split(".")[-1]: {example["band"]: said}}}}}
    return {"domain": {"responses": {example["name"]: [wording(said, example["band"], example["help"])]}}}


@pytest.mark.parametrize("rule", [rule.name for rule in RULES.rules if rule.check != "buttons_end_with"])
def test_the_guide_s_example_of_each_rule_is_caught_before_and_passes_after(rule):
    example = guide_examples().get(rule)
    assert example and "after" in example, f"TRAINERS.md, \"The prompt lint\": {rule} needs a Before and an After"
    assert rule in [f.rule for f in findings(**said_in(example, example["before"]))], (
        f"TRAINERS.md: {rule} does not catch its Before: {example['before']}")
    assert lines(**said_in(example, example["after"])) == [], f"TRAINERS.md: {rule}'s After is not clean"


def test_findings_are_sorted_by_file_response_wording_and_sentence():
    domain = {"responses": {
        "utter_b": [wording("Is it fun?"), wording("Did he go? Is it fun?", help=True)],
        "utter_a": [wording("Tell me about your dad.")],
    }}
    page = {"en": {"chat": {"trouble": {"age_4_7": "Your words are safe."}}}}
    found = [(f.file, f.name, f.order, f.position) for f in findings(domain, page)]
    assert found == sorted(found)
    assert [f[0] for f in found][0] == "bot/web/wording.yml" and found[-1][:2] == ("domain.yml", "utter_b")


def test_the_chat_page_words_are_linted_by_band_and_the_rest_is_not():
    page = {"en": {
        "chat": {"trouble": {"age_4_7": "Your words are safe.", "age_12_17": "What you wrote is kept."},
                 "help": "Why did this happen to you?"},
        "practitioner": {"note": "Why did this happen to you? Your words are safe."},
    }}
    assert lines({"responses": {}}, page) == [
        "bot/web/wording.yml: en.chat.help, every age: \"Why did this happen to you?\" asks \"why\"; "
        "ask what or how: 'Tell me about ...', 'What makes you ...?'",
        "bot/web/wording.yml: en.chat.help, every age: \"Why did this happen to you?\" is too abstract for a young "
        "child (\"happen\"); name something the child can picture: 'Tell me about home', 'What would you like?'",
        "bot/web/wording.yml: en.chat.trouble, age 4-7: \"Your words are safe.\" makes a promise the bot cannot keep "
        "(\"words are safe\"); say only what will happen: '{practitioner_name} will tell people who can help', "
        "'You can ask to meet the judge', 'I have kept your words'",
    ]


def test_a_chat_page_word_every_age_reads_is_held_to_the_strictest_band():
    page = {"en": {"chat": {"ended": "We have finished now and thank you very much for talking with me."}}}
    assert lines({"responses": {}}, page) == [
        "bot/web/wording.yml: en.chat.ended, every age: \"We have finished now and thank you very much for talking "
        "with me.\" has 13 words; keep sentences for every age to 12 words or fewer: split it in two"
    ]


def test_the_child_s_own_words_are_never_checked():
    """They come back only through {last_words}: a placeholder is never looked in, or through."""
    said = "You said \"{last_words}\". Tell me more about \"{last_words}\" at {about_name}."
    assert lines({"responses": {"utter_ask_example": [wording(said, band=band) for band in RULES.age_bands]}}) == []
    assert text.normalise("Did {last_words} he go?") == "did {} he go?"


def test_a_rule_naming_a_response_the_domain_lacks_is_a_finding():
    found = [f.line for f in prompt_lint.lint({"responses": {}}, None, RULES) if f.file == "prompt_lint.yml"]
    assert (
        "prompt_lint.yml: rule sharing_intro_caveat names utter_intro_sharing, which is not a response in domain.yml; "
        "correct the name, or take it out"
    ) in found


def test_a_band_without_a_longest_sentence_is_a_finding():
    data = copy.deepcopy(RULES_DATA)
    long_sentences = next(rule for rule in data["rules"] if rule["name"] == "long_sentences")
    del long_sentences["max_words"]["age_8_11"]
    domain = {"responses": {"utter_ask_example": [wording("Hello.", band="age_8_11")]}}
    assert "prompt_lint.yml: rule long_sentences gives no max_words for age_8_11; add one" in [
        f.line for f in prompt_lint.lint(domain, None, Rules.from_dict(data))]


def test_a_trainer_adds_a_rule_without_python():
    data = copy.deepcopy(RULES_DATA)
    data["rules"].append({
        "name": "no_naughty", "check": "phrases", "applies_to": ["age_8_11", "help"],
        "phrases": ["naughty", "naughtiness"],
        "wrong": 'blames the child ("{found}")', "fix": "say what happened, not who was bad",
    })
    domain = {"responses": {"utter_ask_example": [
        wording("Was that naughtiness?", band="age_8_11", help=False),
        wording("Was it naughty?", band="age_4_7", help=True),
        wording("Was it naughty?", band="age_12_17", help=False),
    ]}}
    found = [f.line for f in findings(domain, rules=Rules.from_dict(data)) if f.rule == "no_naughty"]
    assert found == [  # in the order the response has its wordings
        "domain.yml: utter_ask_example, age 8-11: \"Was that naughtiness?\" blames the child (\"naughtiness\"); "
        "say what happened, not who was bad",
        "domain.yml: utter_ask_example, age 4-7 (Help wording): \"Was it naughty?\" blames the child (\"naughty\"); "
        "say what happened, not who was bad",
    ]


@pytest.mark.parametrize("change, complaint", [
    (lambda rule: rule.update(check="phrase_present"), "check must be one of"),
    (lambda rule: rule.update(aplies_to=["age_4_7"]), "aplies_to means nothing to a phrases check"),
    (lambda rule: rule.update(applies_to=["age_4_8"]), "applies_to can name all, help, default and the age bands"),
    (lambda rule: rule.pop("fix"), "a phrases check needs fix"),
    (lambda rule: rule.pop("phrases"), "a phrases check needs phrases"),
    (lambda rule: rule.update(phrases=["did he", ""]), "phrases holds an empty phrase"),
], ids=["unknown check", "misspelt key", "unknown band", "no fix", "no phrases", "empty phrase"])
def test_a_mistake_in_prompt_lint_yml_is_refused_with_the_rule_named(change, complaint):
    data = copy.deepcopy(RULES_DATA)
    change(data["rules"][0])
    with pytest.raises(LintConfigError, match="prompt_lint.yml: rule leading") as refused:
        Rules.from_dict(data)
    assert complaint in str(refused.value)


def test_sentences_words_and_questions_are_read_in_one_pass():
    assert text.sentences("Hello! I am a helper. {practitioner_name} is here.") == [
        "Hello!", "I am a helper.", "{practitioner_name} is here."]
    assert text.sentences('You can say "I don\'t know". Tap "That\'s right." Or tap. Thinking…') == [
        'You can say "I don\'t know".', 'Tap "That\'s right."', "Or tap.", "Thinking…"]
    assert text.sentences("Call childline.org.uk. Then rest") == ["Call childline.org.uk.", "Then rest"]
    assert text.words("Tell {practitioner_name} about it.") == ["Tell", "{}", "about", "it."]
    assert text.question_marks('Tap "Why?" or “How?”. Is it {about_name}? Yes?') == 2
    assert list(text.find("hit", "hitting and hits, not history", ("s", "ting"))) == [(0, 7), (12, 16)]
    assert list(text.find("👪", "tap 👪 now")) == [(4, 5)]
    # A long run of what nearly matches takes no longer than reading it once.
    assert list(text.find("did he", "did " * 50_000 + "did help")) == []


def test_the_lint_command_prints_each_finding_and_fails_on_any(monkeypatch, capsys):
    finding = prompt_lint.Finding("domain.yml", "utter_x", "yes_no", "domain.yml: utter_x, age 4-7: ...")
    monkeypatch.setattr(prompt_lint, "lint_project", lambda root: [finding])
    assert main(["lint"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == finding.line
    monkeypatch.setattr(prompt_lint, "lint_project", lambda root: [])
    assert main(["lint"]) == 0
    assert capsys.readouterr().out == "No findings.\n"


def test_every_response_prompt_lint_yml_names_is_in_the_domain():
    found = [f.line for f in prompt_lint.lint_project(ROOT) if f.file == "prompt_lint.yml"]
    assert not found, "\n".join(found)


def test_the_wording_the_project_has_passes_every_rule():
    """domain.yml and bot/web/wording.yml as they are: `python -m bot lint` prints the same lines."""
    found = [f.line for f in prompt_lint.lint_project(ROOT)]
    assert not found, f"{len(found)} findings:\n" + "\n".join(found)
