"""Everything that talks to Slack's Web API for the flows and jobs: careful call wrappers, people's profiles,
channel membership, and who may do what (permissions need users.info)."""
