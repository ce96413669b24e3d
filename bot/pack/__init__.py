"""The prompt pack's own checks, beyond what Rasa validates: the prompt lint (bot/pack/lint.py),
which holds every word the bot says to a child to the practice brief's way of asking."""
