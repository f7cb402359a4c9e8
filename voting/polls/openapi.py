"""OpenAPI operations of the votes API (`voting.polls.api`), keyed by view name."""

OPERATIONS = """
list_polls:
  get:
    summary: List the votes of a meeting (in the order opened)
    tags: [votes]
    parameters:
      - {in: query, name: meeting_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema:
              type: object
              properties:
                polls: {type: array, items: PollSchema}
get_poll:
  get:
    summary: A vote with its result and the caller's own receipt
    tags: [votes]
    parameters:
      - {in: path, name: poll_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema:
              type: object
              properties:
                poll: PollSchema
                my_cast: ReceiptSchema
      403: {description: Not a reader of the meeting or item}
      404: {description: No such vote}
"""
