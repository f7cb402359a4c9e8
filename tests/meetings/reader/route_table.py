"""Who may use the reader's routes (object checks happen inside; see test_reader_*.py)."""

ROUTES = {
    "reader.paper": {"roles": "any", "path_args": {"paper_id": 1}},
    "reader.service_worker": {"roles": "public"},
    "reader.boardpack_download": {"roles": "any", "path_args": {"meeting_id": 1}},
    "reader_api.list_notes": {"roles": "any", "path_args": {"paper_id": 1}},
    "reader_api.create_note": {"roles": "any", "method": "POST", "path_args": {"paper_id": 1}},
    "reader_api.update_note": {"roles": "any", "method": "PATCH", "path_args": {"note_id": 1}},
    "reader_api.delete_note": {"roles": "any", "method": "DELETE", "path_args": {"note_id": 1}},
    "reader_api.export_paper_notes": {"roles": "any", "path_args": {"paper_id": 1}},
    "reader_api.export_all_notes": {"roles": "any"},
    "reader_api.offline_manifest": {"roles": "any"},
    "reader_api.list_comments": {"roles": "any", "path_args": {"paper_id": 1}},
    "reader_api.create_comment": {"roles": "any", "method": "POST", "path_args": {"paper_id": 1}},
    "reader_api.export_comment_digest": {"roles": "any", "path_args": {"paper_id": 1}},
    "reader.comment_digest": {"roles": "any", "path_args": {"paper_id": 1}},
    "reader_api.boardpack_status": {"roles": "any", "path_args": {"meeting_id": 1}},
    "reader_api.boardpack_build": {
        "roles": "any",
        "method": "POST",
        "path_args": {"meeting_id": 1},
    },
}
