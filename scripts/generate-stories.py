# Writes data/stories/session.yml and the generated test stories (tests/stories/) from domain.yml and
# activities.yml. Run it after adding or changing an activity: python scripts/generate-stories.py
import yaml
domain = yaml.safe_load(open("domain.yml"))
acts = yaml.safe_load(open("activities.yml"))
plan = acts["default_plan"] + ["closing"]
choice_qs = {k[len("utter_ask_"):] for k, v in domain["responses"].items() if k.startswith("utter_ask_") and any(x.get("buttons") for x in v)}
follow = {q: f for a in acts["activities"].values() for q, f in (a.get("follow_ups") or {}).items()}
until = {q for a in acts["activities"].values() for q in (a.get("until_done") or [])}
choosable = [k for k, a in acts["activities"].items() if a.get("button")]
for_each = {k for k, a in acts["activities"].items() if a.get("for_each_activity")}
# questions asked only when the practitioner gave a detail at the start (activities.yml, only_with)
only_with = {q for a in acts["activities"].values() for q in (a.get("only_with") or {})}


def start_steps(key):
    """What the activity's own story file says between choosing it and its form (its intro, and
    action_say_flagged_apart for the read-back and sharing)."""
    rules = yaml.safe_load(open(f"data/stories/{key}.yml"))["rules"]
    for rule in rules:
        steps = rule.get("steps") or []
        if steps[:2] == [{"action": "action_next_activity"}, {"slot_was_set": [{"activity": key}]}]:
            actions = [step["action"] for step in steps[2:] if "action" in step]
            return [f"      - action: {name}" for name in actions if name != f"{key}_form"]
    raise SystemExit(f"data/stories/{key}.yml has no rule that starts {key}")


def questions(form):
    """A form's questions; the three checks (first in every form) are asked only after a concern, words
    that looked like a control, or a drawing."""
    return [s for s in domain["forms"][form]["required_slots"]
            if s not in ("safeguarding_check", "control_check", "drawing_words")]


def with_choices(plan):
    """The plan as a child who is offered each choice and picks the plan's next activity goes."""
    out = []
    for i, key in enumerate(plan):
        run = 0
        for later in plan[i:]:
            if later not in choosable:
                break
            run += 1
        if run > 1:
            out.append("choose_next")
        out.append(key)
    return out

WAIT = ("help", "repeat", "take_break", "talk_to_practitioner")

def lines_for(controls, with_text=False, without=frozenset()):
    """A whole session; `without`: questions left out (those that need a detail not given)."""
    out = ["      - user: |\n          hello\n        intent: start" if with_text else "      - intent: start",
           "      - action: utter_introduction", "      - action: utter_who_reads", "      - action: utter_ground_rules"]
    for key in with_choices(plan):
        out += ["      - action: action_next_activity", "      - slot_was_set:", f"          - activity: {key}"]
        out += start_steps(key)
        form = f"{key}_form"
        # a read-back asks its questions again for each activity: two rounds here
        slots = questions(form) * (2 if key in for_each else 1)
        i, skipped = 0, set(without)
        first = next(s for s in slots if s not in skipped)
        out += [f"      - action: {form}", f"      - active_loop: {form}", "      - slot_was_set:", f"          - requested_slot: {first}"]
        while i < len(slots):
            slot = slots[i]
            if slot in skipped:
                i += 1; continue
            default = ["choose"] if slot in choice_qs else (["inform", "deny"] if slot in until else ["inform"])
            for intent in controls.get(slot, default):
                if intent in ("skip", "dont_know") and slot in follow:
                    skipped |= set(follow[slot])
                out += [f"      - intent: {intent}", f"      - action: {form}", "      - slot_was_set:"]
                if intent in WAIT or (slot in until and intent not in ("deny", "skip", "dont_know")):
                    nxt = slot
                else:
                    rest = [s for s in slots[i + 1:] if s not in skipped]
                    nxt = rest[0] if rest else "null"
                out.append(f"          - requested_slot: {nxt}")
            i += 1
        out.append("      - active_loop: null")
    out += ["      - action: utter_closing", "      - action: action_end_session"]
    return "\n".join(out)

header = '''version: "3.1"
# A whole session in the default order, with answers, choices, a skip, an "I don't know", and
# requests for help, a repeat, a break and the practitioner: the dialogue as a whole. The rules
# decide every turn (config.yml): training stops on a rule that contradicts this story, and the
# conversation tests (tests/stories/, written by the same script) check a whole session step by
# step. Each activity's own file holds the rules that start, finish and stop it.
stories:
  - story: a session in the default order
    steps:
'''
open("data/stories/session.yml", "w").write(header + lines_for({
    "three_houses_good": ["skip"], "three_houses_worries": ["dont_know"], "three_houses_dreams": ["help", "inform"],
    "important_people_who": ["repeat", "inform"], "three_wishes_first": ["take_break", "inform"],
    "judge_message_know": ["talk_to_practitioner", "inform"], "feelings_school": ["dont_know"],
}) + "\n")
t = open("tests/stories/test_conversations.yml").read()
head = t[: t.index("stories:")] + "stories:\n"
rest = t[t.index("  - story: asking to stop in the three houses"):]
whole = "  - story: a whole session in the default order, with every control inside an activity\n    steps:\n" + lines_for({
    "understanding_why": ["help", "inform"], "feelings_home": ["inform"], "feelings_school": ["skip"],
    "three_houses_good": ["skip"], "three_houses_worries": ["dont_know"], "three_houses_dreams": ["repeat", "inform"],
    "important_people_why": ["take_break", "inform"], "scale_score": ["dont_know"],
    "three_wishes_second": ["talk_to_practitioner", "inform"], "judge_message_contact": ["choose"],
    "closing_looking_forward": ["skip"],
}, with_text=True, without=only_with) + "\n\n"  # the practitioner said nothing of what the case is about
open("tests/stories/test_conversations.yml", "w").write(head + whole + rest)

def activity_story(key):
    form = f"{key}_form"
    slots = questions(form)
    out = ["  - story: every control inside " + key.replace("_", " "), "    steps:",
           "      - intent: start", "      - action: utter_introduction", "      - action: utter_who_reads",
           "      - action: utter_ground_rules", "      - action: action_next_activity", "      - slot_was_set:",
           f"          - activity: {key}"]
    out += start_steps(key)
    out += [f"      - action: {form}", f"      - active_loop: {form}", "      - slot_was_set:", f"          - requested_slot: {slots[0]}"]
    for intent in ("help", "repeat", "take_break", "talk_to_practitioner"):
        out += [f"      - intent: {intent}", f"      - action: {form}", "      - slot_was_set:", f"          - requested_slot: {slots[0]}"]
    out += ["      - intent: stop", "      - action: utter_ask_stop", "      - intent: deny", f"      - action: {form}", f"      - active_loop: {form}"]
    skipped = set()
    cycle = ["dont_know", "skip"]
    for i, slot in enumerate(slots):
        if slot in skipped:
            continue
        if slot in until:
            intents = ["inform", "deny"]
        elif i == 0:
            intents = ["choose" if slot in choice_qs else "inform"]
        else:
            intents = [cycle[i % 2]]
        for intent in intents:
            if intent in ("skip", "dont_know") and slot in follow:
                skipped |= set(follow[slot])
            out += [f"      - intent: {intent}", f"      - action: {form}", "      - slot_was_set:"]
            if slot in until and intent == "inform":
                nxt = slot
            else:
                rest = [s for s in slots[i + 1:] if s not in skipped]
                nxt = rest[0] if rest else "null"
            out.append(f"          - requested_slot: {nxt}")
    out.append("      - active_loop: null")
    if key == "closing":
        out += ["      - action: utter_closing", "      - action: action_end_session"]
    else:  # on into the closing question, so the story ends waiting for the child
        out += ["      - action: action_next_activity", "      - slot_was_set:", "          - activity: closing",
                "      - action: closing_form", "      - active_loop: closing_form", "      - slot_was_set:",
                f"          - requested_slot: {questions('closing_form')[0]}"]
    return "\n".join(out)

header = '''version: "3.1"
# Conversation tests for `rasa test core`: every control (help, repeat, a break, asking for the
# practitioner, stopping and carrying on, "I don't know", skip) from inside every activity.
# Generated from domain.yml and activities.yml when activities change; actions do not run here,
# so the questions they move to are written out.
stories:
'''
open("tests/stories/test_controls.yml", "w").write(header + "\n\n".join(activity_story(k) for k in ["choose_next"] + plan) + "\n")


def safeguarding_story(key):
    form = f"{key}_form"
    out = [f"  - story: words that may tell of harm in {key.replace('_', ' ')}, and at the stop question", "    steps",
           "      - intent: start", "      - action: utter_introduction", "      - action: utter_who_reads",
           "      - action: utter_ground_rules", "      - action: action_next_activity", "      - slot_was_set:",
           f"          - activity: {key}"]
    out[1] += ":"
    out += start_steps(key)
    out += [f"      - action: {form}", f"      - active_loop: {form}", "      - slot_was_set:",
            f"          - requested_slot: {questions(form)[0]}",
            "      - intent: disclosure", "        entities:", "          - concern: m1", f"      - action: {form}",
            "      - slot_was_set:", "          - requested_slot: safeguarding_check",
            "      - intent: stop", "      - action: utter_ask_stop",
            "      - intent: disclosure", "        entities:", "          - concern: m2", f"      - action: {form}",
            f"      - active_loop: {form}", "      - slot_was_set:", "          - requested_slot: safeguarding_check",
            "      - intent: deny", f"      - action: {form}"]
    return "\n".join(out)

header = '''version: "3.1"
# Conversation tests for `rasa test core`: words that may tell of harm (the channel makes them a
# `disclosure` with a `concern` entity) as the first reply in every activity, then again at the stop
# question: the activity form goes on and asks the safeguarding check; "Carry on" (/deny) carries on.
# Generated by scripts/generate-stories.py; actions do not run here, so the questions they move to
# are written out.
stories:
'''
open("tests/stories/test_safeguarding.yml", "w").write(header + "\n\n".join(safeguarding_story(k) for k in acts["activities"]) + "\n")
