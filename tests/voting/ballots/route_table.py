"""Who may use the ballots routes (pages and /api/v1/ballots); object checks happen inside."""

from cabinet.users.models import Role

S = {Role.SECRETARIAT}
B = {"ballot_id": 1}

ROUTES = {
    "ballots.index": {"roles": "any"},
    "ballots.new": {"roles": S},
    "ballots.edit": {"roles": S, "path_args": B},
    "ballots.add_paper": {"roles": S, "method": "POST", "path_args": B},
    "ballots.remove_paper": {
        "roles": S,
        "method": "POST",
        "path_args": {"ballot_id": 1, "paper_id": 1},
    },
    "ballots.submit": {"roles": S, "method": "POST", "path_args": B},
    "ballots.approve": {"roles": "any", "method": "POST", "path_args": B},
    "ballots.send_back": {"roles": "any", "method": "POST", "path_args": B},
    "ballots.show": {"roles": "any", "path_args": B},
    "ballots.answer": {"roles": "any", "method": "POST", "path_args": B},
    "ballots.paper": {"roles": "any", "path_args": {"ballot_id": 1, "paper_id": 1}},
    "ballots.answer_file": {
        "roles": "any",
        "path_args": {"ballot_id": 1, "user_id": 1, "question_id": 1},
    },
    "ballots.board": {"roles": S, "path_args": B},
    "ballots.remind": {"roles": S, "method": "POST", "path_args": {"ballot_id": 1, "user_id": 1}},
    "ballots.remind_everyone": {"roles": S, "method": "POST", "path_args": B},
    "ballots.close": {"roles": S, "method": "POST", "path_args": B},
    "ballots.summary": {"roles": "any", "path_args": B},
    "ballots.summary_pdf": {"roles": "any", "path_args": B},
    "ballots.proposal": {"roles": S, "method": "POST", "path_args": B},
    "ballots.conclude": {"roles": {Role.CHAIR}, "method": "POST", "path_args": B},
    "ballots_api.list_ballots": {"roles": "any"},
    "ballots_api.create": {"roles": S, "method": "POST"},
    "ballots_api.detail": {"roles": "any", "path_args": B},
    "ballots_api.update": {"roles": S, "method": "PUT", "path_args": B},
    "ballots_api.submit": {"roles": S, "method": "POST", "path_args": B},
    "ballots_api.approve": {"roles": "any", "method": "POST", "path_args": B},
    "ballots_api.send_back": {"roles": "any", "method": "POST", "path_args": B},
    "ballots_api.my_response": {"roles": "any", "path_args": B},
    "ballots_api.answer": {"roles": "any", "method": "PUT", "path_args": B},
    "ballots_api.board": {"roles": S, "path_args": B},
    "ballots_api.remind": {"roles": S, "method": "POST", "path_args": B},
    "ballots_api.close": {"roles": S, "method": "POST", "path_args": B},
    "ballots_api.conclude": {"roles": {Role.CHAIR}, "method": "POST", "path_args": B},
    "ballots_api.record_json": {"roles": "any", "path_args": B},
}
