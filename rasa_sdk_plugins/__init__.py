"""rasa-sdk imports a package of exactly this name, if there is one, when the action server starts
(rasa_sdk/plugin.py): Own Words uses it to make the action server answer only our Rasa server
(bot/dialogue/action_auth.py)."""
import pluggy

from bot import logs
from bot.dialogue.action_auth import require_token

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class _OwnWords:
    @hookimpl
    def attach_sanic_app_extensions(self, app) -> None:
        logs.configure()
        require_token(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(_OwnWords())
