"""The bot scopes manifest.yml asks for; `okr-bot doctor` checks the token has them all.

A test keeps this tuple and manifest.yml's `oauth_config.scopes.bot` equal.
"""

REQUIRED_BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "channels:read",
    "groups:read",
    "files:write",
)
