"""HTTP: the routers, their dependencies, the command path, errors as problems, sign-in and the request guards."""
