"""Own Words: everything that is not Rasa configuration (README, "How it is built")."""
from bot.private_files import restrict as _restrict

# Every process of Own Words imports this package before it creates a file (bot/private_files.py).
_restrict()
