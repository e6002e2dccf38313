import parameter_types  # noqa: F401
from behave import then

@then("there are {n:Count} plans, {t:Tier} costs {m:Money}")
def step(context, n, t, m):
    assert context.db.execute("select count(*) as c from plans").fetchone()["c"] == n
    assert context.db.execute("select monthly_price_cents c from plans where tier=%s",(t,)).fetchone()["c"] == m, m
