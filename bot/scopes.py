"""The bot scopes manifest.yml asks for; `okr-bot doctor` checks the token has them all.

A test keeps this tuple and manifest.yml's `oauth_config.scopes.bot` equal. `im:history`
lets a delivery interrupted mid-post (a killed process) look in the DM for the message it
may have sent, instead of sending it twice.
"""

REQUIRED_BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "users:read",
    "channels:read",
    "groups:read",
    "files:write",
)
