"""Quoting the child's words back in a prompt: exactly, whatever they contain."""
import importlib.util

from rasa.core.nlg import interpolator

from bot.channel.interpolation import install, interpolate_text

TEMPLATE = 'You chose "{last_words}". Tell me more, {practitioner_name}.'


def test_rasas_own_interpolation_garbles_words_holding_0_bracket():
    # Why bot/channel/interpolation.py exists (a fresh copy of Rasa's module, whatever is installed).
    spec = importlib.util.spec_from_file_location("rasa_interpolator_copy", interpolator.__file__)
    rasas = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rasas)
    values = {"last_words": "10[ish]", "practitioner_name": "Alex"}
    assert rasas.interpolate_text(TEMPLATE, values) == TEMPLATE  # the child would read "{last_words}"
    assert interpolate_text(TEMPLATE, values) == 'You chose "10[ish]". Tell me more, Alex.'


def test_the_childs_words_are_filled_in_exactly():
    for words in ("10[ish]", "{practitioner_name}", "{0[last_words]}", "a {b} c", "", "line\nline"):
        assert interpolate_text(TEMPLATE, {"last_words": words, "practitioner_name": "Alex"}) == (
            f'You chose "{words}". Tell me more, Alex.'
        )


def test_button_payloads_and_unknown_names_stay_as_written():
    assert interpolate_text('/choose{"choice":"happy"}', {"last_words": "x"}) == '/choose{"choice":"happy"}'
    assert interpolate_text("Hello {nobody}", {}) == "Hello {nobody}"


def test_installed_it_is_what_rasa_uses(monkeypatch):
    monkeypatch.setattr(interpolator, "interpolate_text", interpolator.interpolate_text)
    install()
    assert interpolator.interpolate({"text": TEMPLATE}, {"last_words": "10[ish]", "practitioner_name": "Alex"}) == {
        "text": 'You chose "10[ish]". Tell me more, Alex.'
    }
