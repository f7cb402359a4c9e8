"""Who may use the records routes (pages, /verify and /api/v1/records); object checks inside."""

from cabinet.users.models import Role

S = {Role.SECRETARIAT}
M = {"minutes_id": 1}
D = {"record_id": 1}

ROUTES = {
    "records.index": {"roles": "any"},
    "records.minutes": {"roles": "any", "path_args": {"meeting_id": 1}},
    "records.minutes_pdf": {"roles": "any", "path_args": M},
    "records.circulate": {"roles": S, "method": "POST", "path_args": M},
    "records.finalize": {"roles": S, "method": "POST", "path_args": M},
    "records.reopen": {"roles": S, "method": "POST", "path_args": M},
    "records.new_resolution": {"roles": S, "method": "POST", "path_args": {"meeting_id": 1}},
    "records.new_ballot_decision": {"roles": S, "method": "POST", "path_args": {"ballot_id": 1}},
    "records.new_ballot_summary": {"roles": S, "method": "POST", "path_args": {"ballot_id": 1}},
    "records.decision": {"roles": "any", "path_args": D},
    "records.issue": {"roles": S, "method": "POST", "path_args": D},
    "records.decision_pdf": {"roles": "any", "path_args": D},
    "signing.verify": {"roles": "public"},
    "signing.verify_upload": {"roles": "public", "method": "POST"},
    "records_api.meeting_minutes": {"roles": "any", "path_args": {"meeting_id": 1}},
    "records_api.minutes_detail": {"roles": "any", "path_args": M},
    "records_api.save_minutes": {"roles": S, "method": "PUT", "path_args": M},
    "records_api.finalize_minutes": {"roles": S, "method": "POST", "path_args": M},
    "records_api.comment_minutes": {"roles": "any", "method": "POST", "path_args": M},
    "records_api.resolve_comment": {"roles": S, "method": "POST", "path_args": {"comment_id": 1}},
    "records_api.sign_minutes": {"roles": "any", "method": "POST", "path_args": M},
    "records_api.decision_detail": {"roles": "any", "path_args": D},
    "records_api.update_decision": {"roles": S, "method": "PUT", "path_args": D},
    "records_api.sign_decision": {"roles": "any", "method": "POST", "path_args": D},
    "records_api.verify": {"roles": "any", "method": "POST"},
}
