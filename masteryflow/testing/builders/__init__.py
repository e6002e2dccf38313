"""Small builders that put exactly the rows a scenario needs into its database.

Builders write rows directly (they set up the world "as it already is"); the actions under test
go through the platform's SQL functions.
"""
