// The cluster shell.
