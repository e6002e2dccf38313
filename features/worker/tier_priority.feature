@fixture.n8n_tier_queue
Feature: Paying customers' runs go first on a busy local worker
  When every local worker is busy, runs wait in n8n's queue. The tier prioritizer reorders the
  waiting runs by the customer's tier (VIP, then Premium, then Pro, then Free), first come first
  served within a tier, and lets a run move up the longer it waits, so a Free run is never
  starved by a steady stream of VIP runs.

  Glossary:
    run          - one execution of a customer's workflow, requested through its webhook
    aging step   - how long a run waits to move up one place (tier and kind of run)
    aging bound  - the longest a run waits before it is as urgent as a fresh VIP run

  Background:
    Given a customer on each tier, each with a workflow in their own n8n project
    And one local worker that runs one execution at a time

  Rule: While the worker is busy, waiting runs start in tier order

    Scenario: A mix of runs from every tier starts VIP first and Free last
      Given the tier prioritizer is running without aging
      And the worker is busy with a 3 second run
      When customers request runs in this order: free, pro, vip, premium, free, vip, pro, premium, vip
      Then every requested run finishes successfully
      And the waiting runs started in this order: vip, vip, vip, premium, premium, pro, pro, free, free
      And runs of the same tier started in the order they were requested

  Rule: A Free run waits no longer than the aging bound, even behind a steady stream of VIP runs

    Scenario: A Free run overtakes newer VIP runs once it has waited the aging bound
      Given the tier prioritizer is running with an aging step of 1 second
      And the aging bound of a Free run is 6 seconds
      When VIP customers request a 1 second run every half second for 12 seconds
      And a Free customer requests a run 2 seconds into that stream
      Then every requested run finishes successfully
      And VIP runs requested after the Free run started before it while it had waited less than the aging bound
      And the Free run starts within the aging bound plus the length of one run
      And VIP runs requested after the Free run were still waiting when it started
