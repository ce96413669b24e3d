"""The dialogue's logic, which the custom actions (actions/) call inside the action server.

Starting a session (sessions.py), the order of activities (flow.py), recording each reply exactly
as given (capture.py), checking what typed words that only look like a control meant
(control_check.py), going back over what was said (read_back.py), practice sessions (practice.py),
and the action server's check that only the Rasa server calls it (action_auth.py).
"""
