"""What runs inside the Rasa server process: the tablet channel (tablet.py) and what it relies on.

The channel checks what the tablet posts (incoming.py, auth.py), decides whether typed words are a
control or an answer (typed_controls.py), handles each message wholly or not at all
(atomic_turn.py) and sends the bot's messages exactly as the dialogue said them
(verbatim_output.py, interpolation.py, choice_order.py). Rasa's tracker store for Own Words
(tracker_store.py, tracker_compaction.py) and the check of the action server's replies
(action_response_check.py) load into the same process.
"""
