"""Pages of performance evaluations, one module per audience:

- `public`: the public results (list, export, one evaluation with its report and export) and one evaluator's score
  sheet; the page of one evaluation is also the officials' view of its progress and actions;
- `manage`: the officials' work on evaluations (working list, new evaluation, settings, invitations, start,
  finalize, withdraw an evaluator, the payment decision after a 差);
- `indicator_sets`: indicator sets and their indicators, Excel import and export;
- `pool`: the evaluator pool;
- `tasks`: the evaluator's tasks (accept with a declaration, read the evidence, score, submit);
- `common`: the action page base, the buttons a record offers, URLs.

Views parse the request, call one `evaluations.access` helper and one selector or service, and render. Who may do
what is decided in evaluations/permissions.py, which status allows what in evaluations/workflows.py, every rule in
evaluations/services/, whose coded ValidationErrors appear on the forms.

Answers for users who may not act: anonymous users are sent to the login page; a signed-in user without the role the
page needs (official, purchaser, evaluator) gets 403; an object outside the user's reach — missing, another region's
evaluation, another evaluator's task, an evaluation not yet public — gets 404, the same answer as for one that does
not exist.
"""
