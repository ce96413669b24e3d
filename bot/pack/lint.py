"""The prompt lint: everything the bot says to a child, checked against the rules in prompt_lint.yml
(how the practice brief says children should be asked), one line per finding for the trainer.

It reads every wording of every response in domain.yml and every word of the chat page in
bot/web/wording.yml (bot/pack/messages.py), runs each rule that applies to it
(bot/pack/rules.py, bot/pack/checks.py) and writes what it finds as

    domain.yml: utter_ask_feelings_other_home, age 4-7 (Help wording): "Pick a face for your other
    home." presumes ... ("other home"); ask about ...

(on one line): the file, the response, the age band (and whether it is the Help wording), the
sentence or button, what is wrong and how to fix it, both worded in prompt_lint.yml. A rule that
names a response domain.yml does not have, or an age band the longest-sentence rule gives no
number for, is a finding too, so a renamed response cannot quietly escape its rule. The lines are
sorted by file, response, wording and sentence. `python -m bot lint` prints them and fails if
there are any; `make validate` runs it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from bot.pack import messages as said_by_bot
from bot.pack.checks import KINDS, Hit
from bot.pack.messages import DOMAIN_FILE, WORDING_FILE, Message
from bot.pack.rules import RULES_FILE, Rule, Rules


@dataclass(frozen=True)
class Finding:
    file: str
    name: str  # the response, or the chat-page word
    rule: str
    line: str  # what the trainer reads
    order: int = 0  # the wording's place in its response
    position: int = 0  # the sentence's place in its wording
    rule_order: int = 0

    @property
    def sort_key(self):
        return self.file, self.name, self.order, self.position, self.rule_order


def lint_project(root: Path) -> List[Finding]:
    """The findings in the project's domain.yml and bot/web/wording.yml, by its prompt_lint.yml."""
    return lint_domain(_load(root / DOMAIN_FILE), root)


def lint_domain(domain: Dict[str, Any], root: Path) -> List[Finding]:
    """The findings in a domain, with the project's page wording and prompt_lint.yml (the wording
    the Rasa server is about to say: bot/channel/live_wording.py)."""
    return lint(domain, _load(root / WORDING_FILE), Rules.load(root / RULES_FILE))


def lint(domain: Dict[str, Any], wording: Optional[Dict[str, Any]], rules: Rules) -> List[Finding]:
    """The findings in a domain (its `responses`) and a page wording (by language, then section)."""
    said = said_by_bot.from_domain(domain) + said_by_bot.from_wording(wording, rules.wording_sections)
    age_bands = list(rules.age_bands)
    findings = _rules_that_miss(domain, said, rules)
    for rule_order, rule in enumerate(rules.rules):
        check = KINDS[rule.check][0]
        for message in said:
            if rule.applies(message, age_bands):
                findings += [_finding(rule, rule_order, message, hit, rules) for hit in check(rule, message, age_bands)]
    return sorted(findings, key=lambda f: f.sort_key)


def where(file: str, name: str, band: str, help: bool, rules: Rules) -> str:
    """How a finding names the wording: "domain.yml: utter_ask_worries, age 4-7 (Help wording)"."""
    label = rules.age_bands.get(band) or rules.places.get(band) or band
    return f"{file}: {name}, {label}" + (f" {rules.places['help']}" if help else "")


def _finding(rule: Rule, rule_order: int, message: Message, hit: Hit, rules: Rules) -> Finding:
    band = rules.age_bands.get(message.band) or rules.places.get(message.band) or message.band
    wrong, fix = (_fill(words, hit, band) for words in (rule.wrong, rule.fix))
    if hit.said is None:
        what = wrong
    else:
        quoted = '"' + " ".join(hit.said.split()) + '"'  # one line, whatever line breaks the wording has
        what = f"{rules.places['button']} {quoted} {wrong}" if hit.button else f"{quoted} {wrong}"
    line = f"{where(message.file, message.name, message.band, message.help, rules)}: {what}; {fix}"
    return Finding(message.file, message.name, rule.name, line, message.order, hit.position, rule_order)


def _fill(words: str, hit: Hit, band: str) -> str:
    """A rule's wording with what was found in place of {found}, {count}, {limit} and {band}."""
    for name, value in (("found", hit.found), ("count", hit.count), ("limit", hit.limit), ("band", band)):
        words = words.replace("{" + name + "}", str(value))
    return words


def _rules_that_miss(domain: Dict[str, Any], said: List[Message], rules: Rules) -> List[Finding]:
    """A rule naming a response domain.yml lacks, or a band a sentence length is not given for."""
    responses = set(said_by_bot.responses(domain))
    findings = []
    for order, rule in enumerate(rules.rules):
        for name in rule.named_responses():
            if name not in responses:
                findings.append(Finding(RULES_FILE, rule.name, rule.name, (
                    f"{RULES_FILE}: rule {rule.name} names {name}, which is not a response in {DOMAIN_FILE}; "
                    "correct the name, or take it out"), rule_order=order))
        if rule.check == "longest_sentence":
            bands = sorted({m.band for m in said if rule.applies(m, list(rules.age_bands))}
                           - set(rule.max_words) - {said_by_bot.EVERY_AGE})
            findings += [Finding(RULES_FILE, rule.name, rule.name, (
                f"{RULES_FILE}: rule {rule.name} gives no max_words for {band}; add one"), rule_order=order)
                for band in bands]
    return findings


def _load(path: Path) -> Dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}
