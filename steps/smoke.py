from behave import then

@then("there are {n:d} plans")
def step(context, n):
    assert context.db.execute("select count(*) as c from plans").fetchone()["c"] == n
