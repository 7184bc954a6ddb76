"""`okr-bot sandbox`: the real bot against a stand-in for Slack, played on a local web page."""
