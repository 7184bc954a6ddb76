"""Action ids and callback ids shared by the builders in `blocks` and the listeners in
`handlers`: one name per interaction, so a renamed button cannot silently lose its listener."""

# Buttons and menus
NEW_OKR = "okr_new"  # open the /okr set modal
EDIT_OBJECTIVE = "objective_edit"  # value: objective id
ARCHIVE_OBJECTIVE = "objective_archive"  # value: objective id (with a confirm dialog)
ADD_KR_ROW = "kr_add_row"  # in the set/edit modal
LIST_PAGE = "list_page"  # value: JSON {"scope": ..., "page": n}
TREE_PAGE = "tree_page"  # value: JSON {"cycle": id, "page": n}
SHOW_KR_HISTORY = "kr_history"  # value: KR id
CHECK_IN = "checkin_open"  # open the check-in modal
NO_CHANGE = "checkin_no_change"  # check in every KR at its current value
CHECK_IN_CONFIDENCE = "checkin_confidence"  # the confidence menu inside the check-in modal
EDIT_CHECK_IN = "checkin_edit"  # value: check-in id (the latest, this week)
DELETE_CHECK_IN = "checkin_delete"  # value: check-in id (with a confirm dialog)
SNOOZE = "prompt_snooze"  # overflow on the Monday prompt: "later" / "tomorrow" / "skip"
AWAY = "prompt_away"  # opens the "away until" modal
RETRO_OPEN = "retro_open"  # value: JSON {"team": id, "cycle": id}
ALIGN_TO = "align_to"  # external select of objectives to align to (options listener)
DIGEST_DISCUSS = "digest_discuss"  # on an at-risk KR in the digest; value: KR id
KUDOS_GIVE = "kudos_give"  # beside a win in the digest; value: KR id
DEPEND_INSTEAD = "duplicate_depend"  # in a save's confirmation; value: JSON {"kr": id, "on": id}
DEPENDENCY_ACK = "dependency_ack"  # in the upstream lead's DM; value: dependency id

# Modals
SET_OBJECTIVE_VIEW = "objective_set"
EDIT_OBJECTIVE_VIEW = "objective_edit_view"
CHECK_IN_VIEW = "checkin"
EDIT_CHECK_IN_VIEW = "checkin_edit_view"
AWAY_VIEW = "away_view"
RETRO_VIEW = "retro_view"
KR_SENTENCE = "kr_sentence"  # Enter in a key-result line of the objective modal (dispatch)
KR_DETAILS = "kr_details"  # value: the row; pushes the row's Details modal
PICK_TEMPLATE = "template_pick"  # the objective modal's "Start from a template" select
KR_DETAILS_VIEW = "kr_details_view"

# The manager's week
NUDGE_NOW = "lead_nudge_now"  # in the lead's DM; value: JSON {"team": id, "user": "U…"}
KUDOS_VIEW = "kudos_view"

# Dependencies between teams' key results: warnings, the company map
DEPENDENCY_DISCUSS = (
    "dependency_discuss"  # in a warning or the upstream lead's DM; value: dependency id
)
MAP_PAGE = "map_page"  # value: JSON {"page": n}
