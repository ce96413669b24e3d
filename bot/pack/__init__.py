"""The prompt pack and the trainers' tools.

The trainer-editable YAML that decides what a child is asked (prompt_pack.py); the checks beyond
what Rasa validates (validate_data.py, and the prompt lint in lint.py, checks.py, rules.py,
messages.py, text.py, which holds every word the bot says to a child to the practice brief's way of
asking); training, cached by fingerprint (model.py); and the reports on how typed words are taken
(nlu_eval.py).
"""
