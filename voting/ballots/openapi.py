"""OpenAPI operations of the ballots API (`voting.ballots.api`), keyed by view name."""

OPERATIONS = """
list_ballots:
  get:
    tags: [ballots]
    summary: List the ballots visible to the signed-in user
    responses:
      200:
        content:
          application/json:
            schema:
              type: array
              items: BallotSchema
create:
  post:
    tags: [ballots]
    summary: Create a draft ballot (all cabinet members vote unless voter_ids is given)
    requestBody:
      content:
        application/json:
          schema: BallotInputSchema
    responses:
      201:
        content:
          application/json:
            schema: BallotSchema
      422:
        content:
          application/problem+json:
            schema: ProblemSchema
detail:
  get:
    tags: [ballots]
    summary: Read a ballot (recipients, the secretariat and approvers)
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: BallotSchema
      403:
        content:
          application/problem+json:
            schema: ProblemSchema
update:
  put:
    tags: [ballots]
    summary: Change a draft ballot (refused with 409 once it left the draft state)
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: BallotInputSchema
    responses:
      200:
        content:
          application/json:
            schema: BallotSchema
      409:
        content:
          application/problem+json:
            schema: ProblemSchema
submit:
  post:
    tags: [ballots]
    summary: draft → awaiting_approval
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: BallotSchema
      409:
        content:
          application/problem+json:
            schema: ProblemSchema
approve:
  post:
    tags: [ballots]
    summary: awaiting_approval → sent (the chair or a granted deputy prime minister)
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: BallotSchema
      403:
        content:
          application/problem+json:
            schema: ProblemSchema
send_back:
  post:
    tags: [ballots]
    summary: awaiting_approval → draft with the approver's note
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: ReturnInputSchema
    responses:
      200:
        content:
          application/json:
            schema: BallotSchema
my_response:
  get:
    tags: [ballots]
    summary: The signed-in member's reply (404 before anything was saved)
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: ResponseSchema
answer:
  put:
    tags: [ballots]
    summary: Save a draft or submit; revisable until the deadline (409 after it)
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: ResponseInputSchema
    responses:
      200:
        content:
          application/json:
            schema: ResponseSchema
      403:
        content:
          application/problem+json:
            schema: ProblemSchema
      409:
        content:
          application/problem+json:
            schema: ProblemSchema
      422:
        content:
          application/problem+json:
            schema: ProblemSchema
board:
  get:
    tags: [ballots]
    summary: Who has answered, who has not, who is overdue
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: BoardSchema
remind:
  post:
    tags: [ballots]
    summary: Send a reminder now (audited; 429 within an hour of the last one)
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: RemindInputSchema
    responses:
      202:
        content:
          application/json:
            schema: BoardSchema
      429:
        content:
          application/problem+json:
            schema: ProblemSchema
close:
  post:
    tags: [ballots]
    summary: sent → closed before the deadline, once every member has answered
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: BallotSchema
      409:
        content:
          application/problem+json:
            schema: ProblemSchema
conclude:
  post:
    tags: [ballots]
    summary: closed → concluded; returns the decision record
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    requestBody:
      content:
        application/json:
          schema: ConclusionInputSchema
    responses:
      200:
        content:
          application/json:
            schema: {type: object}
record_json:
  get:
    tags: [ballots]
    summary: Counts, answers, non-replies, outcome and conclusion (secretariat and chair)
    parameters:
      - {in: path, name: ballot_id, required: true, schema: {type: integer}}
    responses:
      200:
        content:
          application/json:
            schema: {type: object}
"""
