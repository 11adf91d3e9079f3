"""Letters: the coordinator's form and its checks (form), drafting, editing, closing and reopening (letters), and
finding and reading letters (queries)."""
