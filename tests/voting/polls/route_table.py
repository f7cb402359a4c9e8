"""Who may use the votes API (object checks happen inside the views)."""

ROUTES = {
    "polls_api.list_polls": {"roles": "any"},
    "polls_api.get_poll": {"roles": "any", "path_args": {"poll_id": 1}},
}
