"""HTTP: the routers, their dependencies, the command path, errors as problems, sign-in and the request guards.

The pages (`web`) import only these modules of `api`, the public pieces meant for them:
- `api.http.deps`: the dependencies a route declares (the application, the settings, the actor, the views, stores);
- `api.http.commands`: the command path (`FormAct`, `Command.attempt`, `Refusal`, `keep_upload`), so a form's
  Idempotency-Key, If-Match and refusals work as an API route's do;
- `api.http.access`: the checks that load an aggregate before a page reads or changes it;
- `api.http.params`: the types of query parameters that pages share with routes;
- `api.http.paging`: lists a page at a time by keyset cursor, for the list pages as for the list routes;
- `api.http.session`: the browser's session (its cookie and CSRF token) and signing in to it;
- `api.http.links`: set-password links, made, emailed and checked, and the password a user chooses by one;
- `api.http.imports`: a workbook of schemes read and checked, for the import page as for its routes;
- `api.http.setting_up`: the set-up requests (programme, provider, terms, draft, lead) the set-up pages parse their
  forms into, as the JSON routes take them;
- `api.http.client_credentials`: an API client's id and secret, made and hashed, for the clients page as for its
  routes;
- `api.http.routing`: the router the evidence packs' routes (part of the API) are made on, as every API route is.
Nothing else: not `api.storage`, `api.live`, `api.cli`, `api.main`, nor `api.http.routers`.
"""
